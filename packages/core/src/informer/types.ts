import type { Observable } from 'rxjs';
import type { KubeObject, LabelSelector } from '../model/meta.js';

/** A change seen by an informer, after it was applied to the cache. */
export interface InformerEvent<T extends KubeObject = KubeObject> {
  type: 'added' | 'updated' | 'deleted';
  /** The object now in the cache (for `deleted`: the last known state). Read-only. */
  object: Readonly<T>;
  /** The previous cached state, for `updated` (and `deleted`). */
  oldObject?: Readonly<T>;
  /** True for events from the initial list (and relists), false for live watch events. */
  isInInitialList: boolean;
}

/** A function that returns the index values of an object (e.g. its node name). */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => string[];

/**
 * The read side of an informer: a local, eventually consistent copy of the
 * objects of one kind. Objects are frozen; copy before changing
 * (`structuredClone(obj)`).
 */
export interface ObjectCache<T extends KubeObject = KubeObject> {
  /** Cluster-scoped kinds: `get(undefined, name)` or `get(name)`. */
  get(namespace: string | undefined, name?: string): Readonly<T> | undefined;
  /** The cached objects, optionally of one namespace and matching a label selector. */
  list(opts?: { namespace?: string; labelSelector?: string | LabelSelector }): Readonly<T>[];
  /** Adds an index (`fn` gives each object's values) and indexes the objects already cached. */
  addIndexer(name: string, fn: IndexFunc<T>): void;
  /** The cached objects whose index `name` includes `value`, e.g. `byIndex('spec.nodeName', 'node-1')`. */
  byIndex(name: string, value: string): Readonly<T>[];
  readonly size: number;
}

/** Options for an informer (and the key under which a factory shares it). */
export interface InformerOptions<T extends KubeObject = KubeObject> {
  namespace?: string;
  labelSelector?: string;
  /** Applied to each object before it is cached (client-go's SetTransform): strip what you do not need. */
  transform?: (obj: T) => T;
  /** Re-deliver every cached object as `updated` at this interval, to let level-triggered consumers re-check. */
  resyncPeriodMs?: number;
}

/**
 * List + watch of one kind into a cache (client-go's `SharedInformer`; the
 * `Informer` class implements it, and a test double may too).
 *
 * Guarantees: events for one object arrive in store order; after a dropped
 * watch it resumes from the last revision it saw (no gap, no duplicate);
 * after `ExpiredError` it relists and emits the difference, so the cache and
 * the event stream stay consistent with the store.
 *
 * Caveats: the cache may lag the store. Hand lengthy work to a WorkQueue
 * instead of doing it in an event subscriber.
 */
export interface SharedInformer<T extends KubeObject = KubeObject> {
  readonly kind: string;
  /** The local copy of the kind's objects: read here rather than from the Api. */
  readonly cache: ObjectCache<T>;
  /** Each change once the cache holds it, in order for each object; hand lengthy work to a WorkQueue. */
  readonly events$: Observable<InformerEvent<T>>;
  /** Resolves once the initial list is in the cache. */
  readonly synced: Promise<void>;
  /** True once the initial list is in the cache. */
  hasSynced(): boolean;
  /** The last store revision the cache reflects. */
  lastSyncResourceVersion(): string;
  /** Lists, then watches until `stop` or until `signal` aborts; idempotent. */
  start(signal?: AbortSignal): void;
  /** Stops watching; the cache keeps its last contents. */
  stop(): void;
}
