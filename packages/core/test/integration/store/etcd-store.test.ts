import { firstValueFrom, takeWhile, tap, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStoreConformance } from '../../../src/conformance/index.js';
import type { KubeObject } from '../../../src/index.js';
import { EtcdFixture } from './etcd-fixture.js';

describe('EtcdStore on a real single-member etcd', () => {
  const etcd = new EtcdFixture();
  beforeAll(() => etcd.start(1));
  afterAll(() => etcd.stop());

  describeStoreConformance('EtcdStore', () => etcd.makeStore());

  it('resumes a watch that loses its connection in the middle of a replay, with no gap and no duplicate', async () => {
    const { store } = await etcd.makeStore();
    try {
      const start = await store.currentRevision();
      const payload = 'x'.repeat(4096);
      const written: number[] = [];
      const total = 2000;
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < total) {
            const name = `obj-${next++}`;
            const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { payload } };
            const created = await store.create({ resource: 'configmaps', namespace: 'default', name }, obj);
            written.push(Number(created.metadata.resourceVersion));
          }
        }),
      );
      written.sort((a, b) => a - b);
      const last = written.at(-1)!;

      // On the first replayed event, crash etcd and bring it back: the rest of
      // the replay must arrive over the new connection.
      let restart: Promise<void> | undefined;
      let deliveredBeforeRestartDone = -1;
      let delivered = 0;

      const events = await firstValueFrom(
        store.watch('configmaps', { resourceVersion: start }).pipe(
          tap(() => {
            delivered++;
            restart ??= etcd.handle.restart(0).then(() => {
              deliveredBeforeRestartDone = delivered;
            });
          }),
          takeWhile((e) => Number(e.object.metadata.resourceVersion) < last, true),
          toArray(),
        ),
      );
      await restart;
      expect(events.map((e) => Number(e.object.metadata.resourceVersion))).toEqual(written);
      // The connection really was lost mid-replay (else this test proves nothing).
      expect(deliveredBeforeRestartDone).toBeGreaterThan(0);
      expect(deliveredBeforeRestartDone).toBeLessThan(total);
    } finally {
      await store.close();
    }
  });
});
