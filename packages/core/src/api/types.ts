import type { Observable } from 'rxjs';
import type { UserInfo } from '../authz/types.js';
import type { KubeList, KubeObject, LabelSelector } from '../model/meta.js';
import type { WatchEvent } from '../store/store.js';

/** Options for `ResourceClient.list`. */
export interface ClientListOptions {
  namespace?: string;
  /** String form (`app=web,tier!=db`) or structured form. */
  labelSelector?: string | LabelSelector;
  /** `metadata.name=x,spec.nodeName=node-1,status.phase!=Running`. */
  fieldSelector?: string;
  /** At most this many items; the result carries a `continue` token when more remain. */
  limit?: number;
  /** The token from the previous page; the pages of one list are consistent at one revision. */
  continue?: string;
  /**
   * Take the store's own objects, deeply frozen, instead of copies: for a
   * caller that only reads them (an apiserver serializing a list). See
   * `ListOptions.shared`.
   */
  shared?: boolean;
}

/** Options for `ResourceClient.watch`. */
export interface ClientWatchOptions {
  namespace?: string;
  resourceVersion?: string;
  labelSelector?: string | LabelSelector;
  fieldSelector?: string;
  /**
   * Take the store's own objects, deeply frozen, instead of copies: for a
   * watcher that only reads them (an informer). See `WatchOptions.shared`.
   */
  shared?: boolean;
}

/** How dependents are treated when an owner is deleted. */
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/** Options for `ResourceClient.delete`. */
export interface DeleteOptions {
  /** Default Background: the owner goes now and the garbage collector removes dependents after. */
  propagationPolicy?: PropagationPolicy;
  /** For pods: how long the node agent gives containers to stop. 0 deletes immediately. */
  gracePeriodSeconds?: number;
  /** Delete only if the object is still at this revision / uid. */
  preconditions?: { resourceVersion?: string; uid?: string };
  /** Who the delete is made for, as for `WriteOptions.requester`. */
  requester?: UserInfo;
}

/** Options for writes. */
export interface WriteOptions {
  /** Run defaulting, validation and admission, but write nothing. */
  dryRun?: boolean;
  /**
   * Who the write is made for (an apiserver passes the request's user):
   * admission hooks see it as `req.userInfo`. Default: the user of the
   * enclosing `runAsRequester` (`api.as(user)`), if any.
   */
  requester?: UserInfo;
  /**
   * Who owns the fields this write sets (Kubernetes' `fieldManager`),
   * recorded in `metadata.managedFields` when the Api keeps them (see
   * `FieldManager`). Default: the default manager given to
   * `Api.setFieldManager`, if any; else the write is not recorded.
   */
  fieldManager?: string;
}

/**
 * A typed client for one kind. Namespaced kinds take `(namespace, name)`,
 * cluster-scoped kinds take `(name)`.
 */
export interface ResourceClient<T extends KubeObject = KubeObject> {
  /** The kind this client serves. */
  readonly kind: string;
  /**
   * The stored object: `(namespace, name)` for namespaced kinds, `(name)`
   * for cluster-scoped ones (which also take `(undefined, name)` and
   * `('', name)`, as generic code calls them); `NotFoundError` if absent.
   */
  get(namespaceOrName: string | undefined, name?: string): Promise<T>;
  /** Objects matching the options, all at one revision; page with `limit` and `continue`. */
  list(opts?: ClientListOptions): Promise<KubeList<T>>;
  /** Creates `obj` after metadata, defaults, validation and admission; `AlreadyExistsError` if the name is taken. */
  create(obj: T, opts?: WriteOptions): Promise<T>;
  /** Replaces spec and metadata; status is kept. CAS on `metadata.resourceVersion` when set. */
  update(obj: T, opts?: WriteOptions): Promise<T>;
  /** Replaces status only; spec and metadata (but finalizers are not touched) are kept. */
  updateStatus(obj: T, opts?: WriteOptions): Promise<T>;
  /** JSON merge patch (RFC 7386) of spec and metadata. Namespaced: `(ns, name, patch)`; cluster-scoped: `(name, patch)`. */
  patch(namespaceOrName: string | undefined, nameOrPatch: string | object, patch?: object): Promise<T>;
  /** JSON merge patch of status. Same argument forms as `patch`. */
  patchStatus(namespaceOrName: string | undefined, nameOrPatch: string | object, patch?: object): Promise<T>;
  /**
   * Deletes, or marks for deletion when finalizers remain (then the returned
   * object carries `deletionTimestamp`). Namespaced: `(ns, name, opts?)`.
   */
  delete(namespaceOrName: string | undefined, nameOrOpts?: string | DeleteOptions, opts?: DeleteOptions): Promise<T>;
  /** Changes after `opts.resourceVersion`, then live ones, filtered by the options' selectors. */
  watch(opts?: ClientWatchOptions): Observable<WatchEvent<T>>;
}

/** What an admission hook is asked about. */
export interface AdmissionRequest<T extends KubeObject = KubeObject> {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  kind: string;
  /** The object as it will be written (for DELETE, the object being deleted). */
  object: T;
  /** The stored object before this write, for UPDATE and DELETE. */
  oldObject?: T;
  /** `'status'` for status writes, `'binding'` for pod binding. */
  subresource?: string;
  /** True when nothing will be written: a hook must not act on the outside world then. */
  dryRun: boolean;
  /** Who the write is made for (Kubernetes' `userInfo`); absent for the Api's own, trusted callers. */
  userInfo?: UserInfo;
}

/**
 * An admission hook. A mutating hook may change `req.object` in place;
 * a validating hook may not. Either rejects by throwing (any Error: its
 * message reaches the caller as a ForbiddenError) — nothing is then written.
 *
 * Order: every mutating hook (in the order added), then the object is
 * validated again, then every validating hook. A validating hook sees the
 * final object; changes it makes to `req.object` are discarded.
 */
export interface AdmissionHook {
  name: string;
  /** `'mutating'` hooks run first and may change the object; default `'validating'`. */
  phase?: 'mutating' | 'validating';
  /** Kinds this hook applies to; absent = every kind. */
  kinds?: string[];
  operations?: AdmissionRequest['operation'][];
  /** Mutates `req.object` (mutating phase) or throws a typed error to refuse the write. */
  admit(req: AdmissionRequest): void | Promise<void>;
}
