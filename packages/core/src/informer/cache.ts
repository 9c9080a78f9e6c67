import { BadRequestError } from '../errors/api-errors.js';
import { compileLabelSelector } from '../model/labels.js';
import type { KubeObject, LabelSelector } from '../model/meta.js';
import { keyOf, objectKey } from './object-key.js';
import type { IndexFunc, ObjectCache } from './types.js';

/** The name of the index every cache has: objects by `metadata.namespace`. */
export const namespaceIndex = 'namespace';

interface Index<T extends KubeObject> {
  fn: IndexFunc<T>;
  byValue: Map<string, Set<string>>;
}

/**
 * An informer's local copy of one kind, with indexes (client-go's
 * `cache.Indexer`). The informer writes it; everyone else reads it through
 * the `ObjectCache` interface.
 *
 * Guarantees: objects it holds are deeply frozen by the informer before they
 * are stored, so reads hand out shared, immutable state; index entries always
 * match the objects stored.
 *
 * Caveats: an index function must be pure and must not throw.
 */
export class Cache<T extends KubeObject = KubeObject> implements ObjectCache<T> {
  private readonly objects = new Map<string, Readonly<T>>();
  private readonly indexes = new Map<string, Index<T>>();

  constructor() {
    this.addIndexer(namespaceIndex, (obj) => (obj.metadata.namespace ? [obj.metadata.namespace] : []));
  }

  get size(): number {
    return this.objects.size;
  }

  get(namespace: string | undefined, name?: string): Readonly<T> | undefined {
    return name === undefined ? this.objects.get(namespace ?? '') : this.objects.get(objectKey(namespace, name));
  }

  /** The object stored under a key made by `objectKey` (`namespace/name` or `name`). */
  getByKey(key: string): Readonly<T> | undefined {
    return this.objects.get(key);
  }

  /** Every stored key. */
  keys(): IterableIterator<string> {
    return this.objects.keys();
  }

  list(opts: { namespace?: string; labelSelector?: string | LabelSelector } = {}): Readonly<T>[] {
    const candidates =
      opts.namespace === undefined ? [...this.objects.values()] : this.byIndex(namespaceIndex, opts.namespace);
    const matcher = compileLabelSelector(opts.labelSelector);
    return matcher.empty ? candidates : candidates.filter((o) => matcher.matches(o.metadata.labels));
  }

  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.indexes.has(name)) throw new BadRequestError(`an index named "${name}" already exists; pick another name`);
    const index: Index<T> = { fn, byValue: new Map() };
    this.indexes.set(name, index);
    for (const [key, obj] of this.objects) this.indexObject(index, key, obj);
  }

  byIndex(name: string, value: string): Readonly<T>[] {
    const index = this.indexes.get(name);
    if (!index) throw new BadRequestError(`no index named "${name}"; add it with addIndexer before querying it`);
    const keys = index.byValue.get(value);
    if (!keys) return [];
    const out: Readonly<T>[] = [];
    for (const key of keys) out.push(this.objects.get(key)!);
    return out;
  }

  /** Stores `obj` (already frozen) and returns what it replaced. */
  put(obj: Readonly<T>): Readonly<T> | undefined {
    const key = keyOf(obj);
    const old = this.objects.get(key);
    if (old) for (const index of this.indexes.values()) this.unindexObject(index, key, old);
    this.objects.set(key, obj);
    for (const index of this.indexes.values()) this.indexObject(index, key, obj);
    return old;
  }

  /** Removes the object under `key` and returns it. */
  remove(key: string): Readonly<T> | undefined {
    const old = this.objects.get(key);
    if (!old) return undefined;
    for (const index of this.indexes.values()) this.unindexObject(index, key, old);
    this.objects.delete(key);
    return old;
  }

  private indexObject(index: Index<T>, key: string, obj: Readonly<T>): void {
    for (const value of index.fn(obj)) {
      const keys = index.byValue.get(value);
      if (keys) keys.add(key);
      else index.byValue.set(value, new Set([key]));
    }
  }

  private unindexObject(index: Index<T>, key: string, obj: Readonly<T>): void {
    for (const value of index.fn(obj)) {
      const keys = index.byValue.get(value);
      keys?.delete(key);
      if (keys?.size === 0) index.byValue.delete(value);
    }
  }
}
