/**
 * Kubernetes' object metadata, in its JSON shape. Every stored object has one.
 * Fields the server assigns (uid, resourceVersion, generation, timestamps) are
 * optional here because clients send objects without them.
 */
export interface ObjectMeta {
  name: string;
  /** Set for namespaced kinds; absent for cluster-scoped ones. */
  namespace?: string;
  /** Asks the Api to pick a unique name with this prefix when `name` is empty. */
  generateName?: string;
  uid?: string;
  /** The store's revision of the last write to this object, a decimal string. */
  resourceVersion?: string;
  /** Starts at 1, bumped by the Api on every change to `spec` (never on status). */
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  creationTimestamp?: string;
  /** Set when deletion was requested and finalizers (or a grace period) keep the object. */
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  [field: string]: unknown;
}

/** Points from a dependent to its owner; the garbage collector follows these. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  /** At most one owner reference per object is the managing controller. */
  controller?: boolean;
  /** With foreground deletion, the owner waits for this dependent to go. */
  blockOwnerDeletion?: boolean;
}

/**
 * Any API object: built-in or custom. Unknown fields are kept (the index
 * signature) so that a manifest written for Kubernetes round-trips unchanged.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A reference to an object by namespace and name, as reconcilers receive it. */
export interface ObjectRef {
  namespace?: string;
  name: string;
}

/** A label selector in its structured form. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** One requirement of a structured label selector. */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** A status condition, as used by most kinds (`type`, `status`, reason, message, times). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastHeartbeatTime?: string;
  lastProbeTime?: string;
  observedGeneration?: number;
}

/** A reference to another object of a known kind in the same namespace. */
export interface LocalObjectReference {
  name: string;
}

/** Object list shape returned by list calls and accepted as `kind: List` in manifests. */
export interface KubeList<T extends KubeObject = KubeObject> {
  items: T[];
  /** The store revision the list was read at: start a watch from here. */
  resourceVersion: string;
  /** Present when more items remain; pass back as `continue` to read the next page. */
  continue?: string;
}
