import { Api, FakeClock, MemoryStore, type Pod } from '@flotilla/core';
import { FakeRuntime, NodeAgent } from '@flotilla/runtime';
import { filter, firstValueFrom } from 'rxjs';

/** A NodeAgent (the kubelet) on the in-memory FakeRuntime runs a pod bound to its node. */
async function main() {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const api = new Api({ store, clock });
  const runtime = new FakeRuntime({ clock, images: ['nginx:1.27'] });
  const agent = new NodeAgent({ api, runtime, clock, nodeName: 'node-1', hostIP: '198.18.0.1' });

  const stop = new AbortController();
  const running = agent.run(stop.signal);
  const pods = api.resource('Pod');
  const isRunning = (pod: Pod) => pod.status?.phase === 'Running';
  const started = firstValueFrom(pods.watch({ namespace: 'default' }).pipe(filter((e) => isRunning(e.object))));
  await pods.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx:1.27' }] },
  });
  const { object } = await started;

  stop.abort();
  await running;
  api.close();
  await store.close();
  console.log(`pod web: ${object.status?.phase}, IP ${object.status?.podIP}`);
  console.log(`runtime calls: ${runtime.calls.map((c) => c.op).join(', ')}`);
}

main();
