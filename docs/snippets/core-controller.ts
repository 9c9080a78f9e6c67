import { Api, type ConfigMap, Manager, MemoryStore, type Reconciler } from '@flotilla/core';
import { filter, firstValueFrom } from 'rxjs';

/**
 * A controller on the Manager: it stamps every ConfigMap with the number of
 * keys it holds. Level-triggered: it reads the cache and writes only when the
 * stamp is wrong, so running it twice changes nothing.
 */
async function main() {
  const store = new MemoryStore();
  const api = new Api({ store });
  const manager = new Manager({ api });
  const configMaps = manager.informers.for<ConfigMap>('ConfigMap');

  const stampKeys: Reconciler = {
    async reconcile({ namespace, name }) {
      const cm = configMaps.cache.get(namespace, name);
      if (!cm) return; // deleted: nothing to do
      const keys = String(Object.keys(cm.data ?? {}).length);
      if (cm.metadata.annotations?.['example.dev/keys'] === keys) return;
      await api.resource('ConfigMap').patch(namespace ?? 'default', name, {
        metadata: { annotations: { 'example.dev/keys': keys } },
      });
    },
  };
  manager.controller('stamp-keys').for('ConfigMap').reconcile(stampKeys);

  const stop = new AbortController();
  await manager.start(stop.signal);
  await api.resource('ConfigMap').create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'default' },
    data: { color: 'blue', size: 'L' },
  });
  const stamped = await firstValueFrom(
    configMaps.events$.pipe(filter((e) => e.object.metadata.annotations?.['example.dev/keys'] !== undefined)),
  );

  stop.abort();
  await manager.stopped;
  api.close();
  await store.close();
  console.log(`settings stamped with example.dev/keys=${stamped.object.metadata.annotations?.['example.dev/keys']}`);
}

main();
