import type { FieldError } from '../errors/api-errors.js';
import type { KubeObject } from '../model/meta.js';
import type { ObjectSchema } from '../schema/field-schema.js';

/**
 * Everything the machinery needs to know about one kind: how it is named and
 * stored, whether it is namespaced, and how it is defaulted and validated.
 * Built-in kinds and custom resources are described the same way, so a user
 * kind gets the same store, client, informer and controller support.
 */
export interface ResourceType<T extends KubeObject = KubeObject> {
  /** API group; `''` for the core group (`v1`). */
  group: string;
  /** The API version within the group (`v1`); with the group it makes `apiVersion`. */
  version: string;
  /** The name objects carry in `kind` (`Deployment`), and the name `api.resource(kind)` takes. */
  kind: string;
  /** Lower-case plural used in storage keys and URLs, e.g. `deployments`. */
  plural: string;
  /** Whether objects live in a namespace (Pod) or in the whole cluster (Node). */
  namespaced: boolean;
  /** Whether `status` is a subresource: spec and status are then written separately. */
  statusSubresource?: boolean;
  /** Short aliases, as kubectl's (`deploy`). */
  shortNames?: string[];
  /**
   * Every version of the group that writes may name (a CRD's served
   * versions); absent: only `version`. Objects written at another served
   * version are stored and read back at `version`, changing only their
   * `apiVersion` (a CRD's `conversion.strategy: None`).
   */
  servedVersions?: readonly string[];
  /**
   * Which name rule `metadata.name` must follow (Kubernetes uses DNS-1123
   * subdomains for most kinds, labels for namespaces, DNS-1035 labels for
   * services, path segments for RBAC kinds and Events). Default `dns1123Subdomain`.
   * `pathSegment` only refuses `.`, `..`, `/` and `%`: see
   * `isValidPathSegmentName` before choosing it for a kind whose names end
   * up in rule text, file names or DNS.
   */
  nameFormat?: NameFormat;
  /**
   * The JSON types of the kind's fields. The Api checks every write against
   * it (after `apiVersion`, `kind` and `metadata`, which it checks for every
   * kind) before `prepareForUpdate`, defaulting and validation run, so those
   * may rely on the types it names; a wrong-typed field is refused with an
   * `InvalidError` naming its path. Absent: only the generic fields are checked.
   */
  schema?: ObjectSchema;
  /**
   * On a plain update, carries over from the stored object what the server
   * assigned and a client may leave out (a Service's allocated cluster IP and
   * node ports, as Kubernetes does), before defaulting and validation.
   */
  prepareForUpdate?(obj: T, old: T): void;
  /** Fills in defaults in place, before validation. */
  default?(obj: T): void;
  /**
   * Fills in, in place, what Kubernetes' built-in mutating admission adds (a
   * Pod's service account and default tolerations), after `default` and
   * after the write's managedFields are recorded, before validation:
   * Kubernetes records a write's fields after defaulting and before
   * admission, so its manager owns the defaults and not these.
   */
  admissionDefault?(obj: T): void;
  /**
   * Returns every bad field of the kind-specific parts; `old` is set on
   * update so transitions (immutable fields) can be checked. Generic
   * metadata (name format, labels, annotations, finalizers) is validated by
   * the Api for every kind, so this need not repeat it. `context` says
   * which subresource the write goes through, so a kind can allow a change
   * only there (a pod's `spec.nodeName` only via `binding`). The Api passes
   * it on every write (`{}` for a plain create, update, patch or apply);
   * other callers may omit it, and validators then assume any write path.
   */
  validate?(obj: T, old?: T, context?: ValidationContext): FieldError[];
}

/** The name rules a kind can choose for `metadata.name`, named as in Kubernetes' validation. */
export type NameFormat = 'dns1123Subdomain' | 'dns1123Label' | 'dns1035Label' | 'pathSegment';

/** How an object is being written, for validators whose rules depend on it. */
export interface ValidationContext {
  /** `'status'`, `'binding'`, or absent for a plain create/update/patch. */
  subresource?: string;
}

/** True when `apiVersion` names `type`'s version or one of its other served versions. */
export function servesApiVersion(
  type: Pick<ResourceType, 'group' | 'version' | 'servedVersions'>,
  apiVersion: string,
): boolean {
  if (apiVersion === apiVersionOf(type)) return true;
  return (type.servedVersions ?? []).some((version) => apiVersion === apiVersionOf({ group: type.group, version }));
}

/** `apiVersion` string for a resource type: `v1` or `apps/v1`. */
export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** Storage name used in store keys: `pods`, `deployments.apps`. */
export function storageNameOf(type: Pick<ResourceType, 'group' | 'plural'>): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}
