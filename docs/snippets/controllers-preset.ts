import { startControllerManager } from '@flotilla/controllers';
import { Api, type Deployment, Manager, MemoryStore } from '@flotilla/core';
import { filter, firstValueFrom } from 'rxjs';

/** The kube-controller-manager preset: a Deployment becomes a ReplicaSet and its pods. */
async function main() {
  const store = new MemoryStore();
  const api = new Api({ store });
  const manager = new Manager({ api });
  const started = startControllerManager(manager); // every controller, Kubernetes' worker counts

  const stop = new AbortController();
  await manager.start(stop.signal);
  const labels = { app: 'web' };
  await api.resource('Deployment').create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  } satisfies Deployment);

  // No scheduler or nodes here, so the pods stay Pending; the Deployment reports them.
  const deployments = manager.informers.for<Deployment>('Deployment');
  const observed = await firstValueFrom(deployments.events$.pipe(filter((e) => e.object.status?.replicas === 3)));
  const pods = manager.informers.for('Pod').cache.list({ namespace: 'default', labelSelector: 'app=web' });

  stop.abort();
  await manager.stopped;
  api.close();
  await store.close();
  console.log(
    `started the deployment and replicaset controllers: ${['deployment', 'replicaset'].every((c) => started.includes(c))}`,
  );
  console.log(
    `deployment web: ${observed.object.status?.replicas} replicas, ${pods.length} pods (Pending: no scheduler or nodes)`,
  );
}

main();
