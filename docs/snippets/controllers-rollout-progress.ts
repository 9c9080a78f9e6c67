import { rolloutProgress, startControllerManager } from '@flotilla/controllers';
import { Api, Manager, MemoryStore, RealClock } from '@flotilla/core';
import { FakeRuntime, NodeAgent } from '@flotilla/runtime';
import { lastValueFrom, tap } from 'rxjs';

/** Follow a Job to completion from your own code: rolloutProgress emits a reading per change, then completes. */
async function main() {
  const clock = new RealClock();
  const store = new MemoryStore();
  const api = new Api({ store, clock });
  const manager = new Manager({ api, clock });
  startControllerManager(manager, { controllers: ['job'] });
  // A node to run the pods: a NodeAgent on the in-memory runtime, which simulates `sh -c` commands.
  const runtime = new FakeRuntime({ clock, images: ['busybox:1.36'] });
  const agent = new NodeAgent({ api, runtime, clock, nodeName: 'node-1', hostIP: '198.18.0.1' });
  const stop = new AbortController();
  await manager.start(stop.signal);
  const agentDone = agent.run(stop.signal);

  await api.resource('Job').create({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default' },
    spec: {
      completions: 2,
      template: {
        spec: {
          nodeName: 'node-1', // no scheduler here
          restartPolicy: 'Never',
          containers: [{ name: 'pi', image: 'busybox:1.36', command: ['sh', '-c', 'echo 3.14159; exit 0'] }],
        },
      },
    },
  });
  const readings: string[] = [];
  const last = await lastValueFrom(
    rolloutProgress(api, 'Job', 'default', 'pi').pipe(tap((p) => readings.push(p.message))),
  );
  console.log(`first reading: ${readings[0]?.startsWith('Waiting for job "pi" to complete')}`);
  console.log(`last reading: ${last.state}: ${last.message} (${last.done} of ${last.desired})`);

  stop.abort();
  await Promise.all([manager.stopped, agentDone]);
  api.close();
  await store.close();
}

main();
