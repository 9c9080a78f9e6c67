import { firstValueFrom, takeWhile, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EtcdHandle, startEtcd } from '../../../../../scripts/etcd.js';
import { ApiError, EtcdStore, type KubeObject, type WatchEvent } from '../../../src/index.js';
import { eventually } from './eventually.js';

const configMap = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { writer: name },
});

describe('EtcdStore on a three-member etcd cluster', () => {
  let etcd: EtcdHandle;
  beforeAll(async () => {
    etcd = await startEtcd({ members: 3 });
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  it('keeps writing and watching, exactly once and in order, while members are killed one after another', async () => {
    const store = new EtcdStore({
      endpoints: etcd.endpoints,
      prefix: '/cluster-test/registry',
      requestTimeoutMs: 5_000,
    });
    try {
      const start = await store.currentRevision();
      const watched = firstValueFrom(
        store.watch('configmaps', { resourceVersion: start }).pipe(
          takeWhile((e: WatchEvent) => e.object.metadata.name !== 'marker', true),
          toArray(),
        ),
      );

      // Acknowledged writes: the revision each successful create returned.
      const acknowledged: number[] = [];
      let failedAttempts = 0;
      let stop = false;
      const writer = async (id: number) => {
        for (let seq = 0; !stop; seq++) {
          // A fresh name per attempt: a failed attempt may still have been applied.
          try {
            const created = await store.create(
              { resource: 'configmaps', namespace: 'default', name: `w${id}-${seq}` },
              configMap(`w${id}-${seq}`),
            );
            acknowledged.push(Number(created.metadata.resourceVersion));
          } catch (err) {
            if (err instanceof ApiError && err.reason !== 'AlreadyExists') throw err;
            failedAttempts++;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      };
      const writers = [0, 1, 2].map(writer);

      // Kill each member in turn (so whichever member serves the watch dies
      // at least once); after each kill, more writes must be acknowledged.
      for (const member of [0, 1, 2]) {
        const before = acknowledged.length;
        await eventually(() => acknowledged.length >= before + 30, `writes before killing member ${member}`);
        await etcd.kill(member);
        const afterKill = acknowledged.length;
        await eventually(() => acknowledged.length >= afterKill + 30, `writes after killing member ${member}`);
        await etcd.restart(member);
      }
      stop = true;
      await Promise.all(writers);
      const marker = await store.create(
        { resource: 'configmaps', namespace: 'default', name: 'marker' },
        configMap('marker'),
      );

      const events = await watched;
      const revisions = events.map((e) => Number(e.object.metadata.resourceVersion));
      // In order and exactly once: strictly increasing.
      for (let i = 1; i < revisions.length; i++) expect(revisions[i]).toBeGreaterThan(revisions[i - 1]);
      // Every acknowledged write was seen.
      const seen = new Set(revisions);
      expect(acknowledged.filter((rv) => !seen.has(rv))).toEqual([]);
      expect(seen.has(Number(marker.metadata.resourceVersion))).toBe(true);
      // Nothing but creates happened, so every event is an ADDED of one of our objects.
      expect(events.every((e) => e.type === 'ADDED')).toBe(true);
      expect(acknowledged.length).toBeGreaterThanOrEqual(180);
      // Outcomes are exact: a create refused with AlreadyExists was not applied, so
      // every event but the marker's is an acknowledged create.
      expect(events.length - 1).toBe(acknowledged.length);
      expect(failedAttempts).toBe(0);
    } finally {
      await store.close();
    }
  });
});
