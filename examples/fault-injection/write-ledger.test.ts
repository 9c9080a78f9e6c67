import { Api, type KubeObject, MemoryStore, type ObjectKey } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteLedger } from './write-ledger.js';

/**
 * A MemoryStore whose reads answer a few event-loop turns late, as etcd's
 * do, with the value as it was when the read began; `nextRead` resolves when
 * the next read begins.
 */
class SlowReadStore extends MemoryStore {
  private readStarted: (() => void) | undefined;

  nextRead(): Promise<void> {
    return new Promise((resolve) => {
      this.readStarted = resolve;
    });
  }

  override async get(key: ObjectKey): Promise<KubeObject> {
    this.readStarted?.();
    this.readStarted = undefined;
    const object = await super.get(key);
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    return object;
  }
}

describe('WriteLedger', () => {
  const store = new SlowReadStore();
  const api = new Api({ store });
  afterEach(() => api.close());

  it('finds nothing wrong on a store that loses nothing, even when it checks while an append is in flight', async () => {
    const ledger = new WriteLedger(api);
    await ledger.start();
    const checks: string[][] = [];
    for (let check = 0; check < 30; check++) {
      // The writer's read begins: its update and acknowledgement follow while this check reads.
      await store.nextRead();
      checks.push(await ledger.verify());
    }
    await ledger.stop();
    expect(checks.flat()).toEqual([]);
    expect(await ledger.verify()).toEqual([]);
    expect(ledger.count).toBeGreaterThanOrEqual(30);
  });
});
