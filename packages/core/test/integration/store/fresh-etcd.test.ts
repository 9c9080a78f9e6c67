import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdStore, Informer, type KubeObject } from '../../../src/index.js';
import { FaultyStoreSource, pod, podKey } from '../../informer/store-source.js';
import { EtcdFixture } from './etcd-fixture.js';

/**
 * The list-then-watch gap on a store nobody has written yet: a watch from
 * `'0'` means "from now", so a list must never report `'0'`. MemoryStore
 * starts at revision 1; a fresh etcd's header revision is 1 as well.
 */
describe('an Informer over a never-written etcd', () => {
  const etcd = new EtcdFixture();
  beforeAll(() => etcd.start(1));
  afterAll(() => etcd.stop());

  it('lists at revision 1 and sees a write made between its list and its watch', async () => {
    const store = new EtcdStore({ endpoints: etcd.handle.endpoints });
    try {
      expect(await store.currentRevision()).toBe('1');
      const inner = new FaultyStoreSource(store).resource('Pod');
      let listedAt = '';
      // The write lands after the list has read the store and before the informer watches.
      const source = {
        resource: () => ({
          list: async (...args: Parameters<typeof inner.list>) => {
            const list = await inner.list(...args);
            listedAt = list.resourceVersion;
            await store.create(podKey('between'), pod('between'));
            return list;
          },
          watch: inner.watch,
        }),
      };
      const informer = new Informer<KubeObject>(source, 'Pod');
      // Nothing relists or resyncs here: if the write fell into the gap, this never resolves and the test times out.
      const added = firstValueFrom(
        informer.events$.pipe(filter((e) => e.type === 'added' && e.object.metadata.name === 'between')),
      );
      informer.start();
      await informer.synced;
      expect(listedAt).toBe('1');
      await added;
      expect(informer.cache.list().map((o) => o.metadata.name)).toEqual(['between']);
      informer.stop();
    } finally {
      await store.close();
    }
  });
});
