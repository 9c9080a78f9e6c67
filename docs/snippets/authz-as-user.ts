import {
  Api,
  AuthorizerChain,
  ensureBootstrapRbac,
  InformerFactory,
  isReason,
  MemoryStore,
  RbacAuthorizer,
} from '@flotilla/core';

/** RBAC in-process: alice may view `default`; her Api view is refused the rest in kube-apiserver's words. */
async function main() {
  const store = new MemoryStore();
  const system = new Api({ store }); // trusted: writes the policy and feeds the caches
  await ensureBootstrapRbac(system); // cluster-admin, admin, edit, view, the system: roles
  await system.resource('RoleBinding').create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'alice-view', namespace: 'default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }],
  });
  const informers = new InformerFactory(system);
  const rbac = RbacAuthorizer.fromInformers(informers);
  const stop = new AbortController();
  informers.start(stop.signal);
  await informers.waitForSync();

  const api = new Api({ store, authorizer: new AuthorizerChain([rbac]) });
  const alice = api.as({ user: 'alice' });
  const pods = await alice.resource('Pod').list({ namespace: 'default' });
  console.log(`alice lists pods in default: ${pods.items.length} found`);
  const attempts = [
    alice.resource('ConfigMap').create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'default' },
    }),
    alice.resource('Secret').get('kube-system', 'token'),
  ];
  for (const attempt of attempts) {
    await attempt.catch((err: unknown) => {
      if (!isReason(err, 'Forbidden')) throw err;
      console.log(`refused: ${(err as Error).message}`);
    });
  }

  stop.abort();
  await api.close();
  await system.close();
  await store.close();
}

main();
