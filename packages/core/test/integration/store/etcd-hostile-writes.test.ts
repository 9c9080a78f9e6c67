import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, FakeClock, MemoryStore, type Store } from '../../../src/index.js';
import { hostileWrites } from '../../api/hostile-writes.js';
import { EtcdFixture } from './etcd-fixture.js';

/** The refusal of `write` on an Api over `store`, and whether the store's revision moved. */
async function outcome(store: Store, write: (api: Api) => Promise<unknown>) {
  const api = new Api({ store, clock: new FakeClock(Date.UTC(2026, 0, 1)) });
  await api
    .resource('Pod')
    .create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    })
    .catch(() => undefined);
  const before = await store.currentRevision();
  const refusal = await write(api).then(
    () => 'accepted',
    (err: Error) => `${err.name}: ${err.message}`,
  );
  const wrote = (await store.currentRevision()) !== before;
  await api.close();
  return { refusal, wrote };
}

describe('hostile writes are refused the same way on EtcdStore as on MemoryStore', () => {
  const etcd = new EtcdFixture();
  beforeAll(() => etcd.start(1));
  afterAll(() => etcd.stop());

  it.each(hostileWrites)('$what', async ({ write }) => {
    const { store } = await etcd.makeStore();
    try {
      const onEtcd = await outcome(store, write);
      const onMemory = await outcome(new MemoryStore(), write);
      expect(onEtcd).toEqual(onMemory);
      expect(onEtcd.wrote).toBe(false);
      expect(onEtcd.refusal).not.toBe('accepted');
    } finally {
      await store.close();
    }
  });
});
