import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { describeStoreConformance } from '../../src/conformance/index.js';
import { FileStore } from '../../src/index.js';

const historyLimit = 1000;

describe('FileStore', () => {
  describeStoreConformance('FileStore', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'file-store-'));
    const store = await FileStore.open(dir, { historyLimit });
    return {
      store,
      // Overflow the history window with writes to an unrelated resource, concurrently so they share syncs.
      async expireHistory() {
        await Promise.all(
          Array.from({ length: historyLimit + 1 }, (_, i) =>
            store.create(
              { resource: 'fillers', name: `f${i}` },
              { apiVersion: 'v1', kind: 'Filler', metadata: { name: `f${i}` } },
            ),
          ),
        );
      },
      async dispose() {
        await rm(dir, { recursive: true, force: true });
      },
    };
  });
});
