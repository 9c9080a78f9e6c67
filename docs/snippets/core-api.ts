import { Api, type Deployment, isReason, MemoryStore } from '@flotilla/core';

/** The Api on a MemoryStore: typed clients, defaults, and compare-and-swap writes. */
async function main() {
  const store = new MemoryStore();
  const api = new Api({ store });
  const deployments = api.resource('Deployment'); // a ResourceClient<Deployment>

  const labels = { app: 'web' };
  const web: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  };
  const created = await deployments.create(web);

  // Someone else scales it; our copy is now stale, so our write is refused rather than lost.
  await deployments.patch('default', 'web', { spec: { replicas: 5 } });
  const stale = await deployments.update({ ...created, spec: { ...created.spec, replicas: 3 } }).catch((err) => err);

  const listed = await deployments.list({ namespace: 'default', labelSelector: 'app=web' });
  api.close();
  await store.close();
  console.log(
    `created ${created.metadata.name}: generation ${created.metadata.generation}, uid set: ${created.metadata.uid !== undefined}`,
  );
  console.log(`defaulted strategy: ${created.spec.strategy?.type}`);
  console.log(`stale write refused with Conflict: ${isReason(stale, 'Conflict')}`);
  console.log(`replicas now: ${listed.items[0]?.spec.replicas}`);
}

main();
