import { MemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/store.js';

/**
 * A store under test plus the one backend-specific operation the suite
 * needs: what a `Store` implementation hands `describeStoreConformance`.
 */
export interface StoreFixture {
  store: Store;
  /**
   * Drops the history of every write made so far (resuming from before the
   * latest write fails): the MemoryStore fixture overflows its history
   * window, the etcd one compacts at the current revision.
   */
  expireHistory(): Promise<void>;
  /** Releases what the fixture holds (the store is closed by the suite). */
  dispose?(): Promise<void>;
}

/**
 * The fixture for `MemoryStore`, and the model for one of your own: a fresh
 * store per test, whose history a burst of writes overflows.
 */
export function memoryStoreFixture(options: { historyLimit?: number } = {}): StoreFixture {
  const historyLimit = options.historyLimit ?? 1000;
  const store = new MemoryStore({ historyLimit });
  return {
    store,
    // Overflow the history window with writes to an unrelated resource.
    async expireHistory() {
      for (let i = 0; i <= historyLimit; i++) {
        await store.create(
          { resource: 'fillers', name: `f${i}` },
          { apiVersion: 'v1', kind: 'Filler', metadata: { name: `f${i}` } },
        );
      }
    },
  };
}
