import type { Observable } from 'rxjs';
import type { KubeObject } from '../model/meta.js';

/**
 * Where an object lives in a Store. `resource` is the registry's storage name:
 * the plural, with the group for non-core kinds (`pods`, `deployments.apps`).
 * Cluster-scoped objects have no namespace.
 */
export interface ObjectKey {
  resource: string;
  namespace?: string;
  name: string;
}

/** Options for `Store.list`. */
export interface ListOptions {
  namespace?: string;
  /** Label selector in string form: `app=web,tier in (a,b),!canary`. */
  labelSelector?: string;
  /** At most this many items; the result carries a `continue` token when more remain. */
  limit?: number;
  /** The token from the previous page. The pages of one list are consistent at one revision. */
  continue?: string;
  /**
   * The caller takes the store's own objects, deeply frozen, instead of
   * copies: for a reader that only reads them (an apiserver that serializes
   * them). As `WatchOptions.shared`, stores that decode every read (etcd)
   * give fresh objects whatever this says.
   */
  shared?: boolean;
}

/** One page of a list, read at one store revision. */
export interface ListResult {
  /** The objects of this page, in key order. */
  items: KubeObject[];
  /** The revision the list reflects: start a watch from here to follow on with no gap. */
  resourceVersion: string;
  /** Set when more items remain: pass it as `continue` to read the next page. */
  continue?: string;
}

/** Options for `Store.watch`. */
export interface WatchOptions {
  namespace?: string;
  /**
   * Replay every change after this revision, then follow live. Absent or
   * `'0'`: follow from now on. Older than the retained history: the stream
   * errors with `ExpiredError`.
   */
  resourceVersion?: string;
  /**
   * Only changes whose object passes are delivered (replayed ones too). It
   * sees the stored object, which it must neither change nor keep. The
   * MemoryStore asks before copying the object for the watcher, so a watch
   * that wants few of many objects (a node agent's own pods) does not pay
   * for copying the rest.
   */
  filter?: (object: Readonly<KubeObject>) => boolean;
  /**
   * The watcher takes the store's own object, deeply frozen, instead of a
   * copy of its own: for a consumer that only reads what it receives and
   * would freeze it anyway (an informer's cache). That saves a deep copy per
   * change and per such watcher, and a cache then holds the store's object
   * instead of a second one. Stores that decode every event (etcd) give
   * fresh objects whatever this says.
   */
  shared?: boolean;
}

/** Options for `Store.create` and `Store.update`. */
export interface StoreWriteOptions {
  /**
   * The caller gives `obj` to the store: nothing else holds a reference to
   * it, and the caller will neither read nor change it once the write has
   * succeeded. The store may then keep it as its own copy instead of copying
   * it in (one deep copy less per write). If the write fails, the object is
   * still the caller's. Default false: the store copies it.
   */
  handOver?: boolean;
}

/** A change to one object. `DELETED` carries the object as it was last stored (with the deleting revision). */
export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
}

/**
 * A revisioned key-value store with watch: the layer etcd is for Kubernetes.
 * It knows keys, revisions and JSON objects, not kinds; every object semantic
 * (defaulting, validation, generation, finalizers) lives in the `Api`.
 *
 * Guarantees:
 * - Every write gets a new revision, strictly greater than every earlier one
 *   across the whole store; it is the object's `metadata.resourceVersion`.
 * - Revisions start at 1, as a fresh etcd's do: `currentRevision()` and a
 *   list's `resourceVersion` are never `'0'`, even for a store nobody has
 *   written. A watch reads `'0'` as "from now", so a list that reported it
 *   would let a write made between that list and the watch slip through
 *   (the list-then-watch gap informers depend on being closed).
 * - `update` and `delete` with an expected revision are compare-and-swap: a
 *   stale write fails with `ConflictError` and changes nothing.
 * - `watch` delivers every change after the given revision exactly once, in
 *   revision order, and then follows live; the same holds when a watcher
 *   resubscribes from the last revision it saw.
 * - Objects are copied in and out: mutating a returned object never changes
 *   stored state. (A writer may hand an object over instead of having it
 *   copied in: see `StoreWriteOptions.handOver`.)
 *
 * Caveats:
 * - History is bounded: a watch from a revision the store has compacted away
 *   fails with `ExpiredError` and the caller must list again.
 */
export interface Store {
  /** The object at `key`; `NotFoundError` if there is none. */
  get(key: ObjectKey): Promise<KubeObject>;
  /** One page of a resource's objects, all at one revision (`resourceVersion` of the result); pass `continue` for the next page. */
  list(resource: string, opts?: ListOptions): Promise<ListResult>;
  /** Fails with `AlreadyExistsError` if the key is taken. Returns the stored object with its revision. */
  create(key: ObjectKey, obj: KubeObject, opts?: StoreWriteOptions): Promise<KubeObject>;
  /** Compare-and-swap on `expectedResourceVersion`; `ConflictError` if it is stale, `NotFoundError` if gone. */
  update(
    key: ObjectKey,
    obj: KubeObject,
    expectedResourceVersion: string,
    opts?: StoreWriteOptions,
  ): Promise<KubeObject>;
  /** Removes the key (only if still at `expectedResourceVersion`, when given). Returns the removed object. */
  delete(key: ObjectKey, expectedResourceVersion?: string): Promise<KubeObject>;
  /** Every change after `opts.resourceVersion` (replayed first), then live ones; `ExpiredError` when that revision is older than the retained history, so the caller relists. */
  watch(resource: string, opts?: WatchOptions): Observable<WatchEvent>;
  /** The store's current revision. */
  currentRevision(): Promise<string>;
  /** Ends every watch and releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
