import { Api, InformerFactory, MemoryStore, type Pod } from '@flotilla/core';
import { defaultProfile, Scheduler } from '@flotilla/scheduler';
import { filter, firstValueFrom, scan } from 'rxjs';

const pod = (name: string, schedulerName?: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { schedulerName, containers: [{ name: 'main', image: 'app' }] },
});

/** The Scheduler in a cluster: two profiles, each binding the pods that name it in spec.schedulerName. */
async function main() {
  const store = new MemoryStore();
  const api = new Api({ store });
  const scheduler = new Scheduler({
    api,
    informers: new InformerFactory(api),
    profiles: [defaultProfile(), defaultProfile({ schedulerName: 'batch', disabled: ['DefaultPreemption'] })],
  });
  await api.resource('Node').create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1' },
    status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
  });

  const stop = new AbortController();
  const running = scheduler.run(stop.signal); // until the signal aborts
  const pods = api.resource('Pod');
  const bound = firstValueFrom(
    pods.watch({ namespace: 'default' }).pipe(
      scan(
        (nodes, e) => nodes.set(e.object.metadata.name, e.object.spec.nodeName),
        new Map<string, string | undefined>(),
      ),
      filter((nodes) => nodes.get('web') !== undefined && nodes.get('report') !== undefined),
    ),
  );
  await pods.create(pod('web'));
  await pods.create(pod('report', 'batch'));
  for (const [name, node] of [...(await bound)].sort()) console.log(`${name} -> ${node}`);

  stop.abort();
  await running;
  api.close();
  await store.close();
}

main();
