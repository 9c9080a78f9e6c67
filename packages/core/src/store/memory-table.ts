import type { StoredObject } from './memory-history.js';

/**
 * The table key of an object: namespace, a NUL, then name. NUL sorts before
 * every character a name may hold, so plain string order is (namespace, name)
 * order, and one namespace's keys are contiguous.
 */
export function tableKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}\u0000${name}`;
}

interface NamespaceIndex {
  keys: Set<string>;
  sorted: string[] | undefined;
}

/**
 * The current objects of one resource, with a per-namespace index and sorted
 * key lists for paging. The sorted lists are rebuilt lazily on the next list
 * after a create or delete, so writes stay O(1).
 */
export class ResourceTable {
  private readonly entries = new Map<string, StoredObject>();
  private readonly namespaces = new Map<string, NamespaceIndex>();
  private sortedAll: string[] | undefined;

  get(key: string): StoredObject | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Every (key, object) pair, for snapshots. */
  all(): IterableIterator<[string, StoredObject]> {
    return this.entries.entries();
  }

  /** Sets the object at `key`; `isNew` (the caller has just looked the key up) saves looking it up again. */
  put(key: string, namespace: string | undefined, obj: StoredObject, isNew = !this.entries.has(key)): void {
    this.entries.set(key, obj);
    if (!isNew) return;
    const ns = namespace ?? '';
    let index = this.namespaces.get(ns);
    if (!index) {
      index = { keys: new Set(), sorted: undefined };
      this.namespaces.set(ns, index);
    }
    index.keys.add(key);
    index.sorted = undefined;
    this.sortedAll = undefined;
  }

  remove(key: string, namespace: string | undefined): void {
    if (!this.entries.delete(key)) return;
    const ns = namespace ?? '';
    const index = this.namespaces.get(ns);
    if (index) {
      index.keys.delete(key);
      index.sorted = undefined;
      if (index.keys.size === 0) this.namespaces.delete(ns);
    }
    this.sortedAll = undefined;
  }

  /** The keys in scope (one namespace, or all), in key order. Callers must not modify the array. */
  sortedKeys(namespace: string | undefined): readonly string[] {
    if (namespace === undefined) {
      this.sortedAll ??= [...this.entries.keys()].sort();
      return this.sortedAll;
    }
    const index = this.namespaces.get(namespace);
    if (!index) return [];
    index.sorted ??= [...index.keys].sort();
    return index.sorted;
  }
}

/** The first index in sorted `keys` whose key is strictly greater than `after`. */
export function indexAfter(keys: readonly string[], after: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
