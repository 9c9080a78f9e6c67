import {
  Api,
  AuthorizerChain,
  type Deployment,
  ensureBootstrapRbac,
  FakeClock,
  InformerFactory,
  Manager,
  MemoryStore,
  RbacAuthorizer,
} from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { registerDeploymentController } from '../../src/deployment/register.js';

const deployment: Deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
};

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** A cluster with the bootstrap policy, RBAC caches on a trusted Api, and an Api authorizing with them. */
async function rbacCluster() {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const system = new Api({ store, clock });
  await ensureBootstrapRbac(system);
  const informers = new InformerFactory(system);
  const rbac = RbacAuthorizer.fromInformers(informers);
  const abort = new AbortController();
  informers.start(abort.signal);
  await informers.waitForSync();
  const api = new Api({ store, clock, authorizer: new AuthorizerChain([rbac]) });
  stops.push(async () => {
    abort.abort();
    await api.close();
    await system.close();
    await store.close();
  });
  return { clock, system, api };
}

/** Runs the deployment controller on `controllerApi` until it stops, reporting what it made. */
async function runDeploymentController(clock: FakeClock, system: Api, controllerApi: ReturnType<Api['as']>) {
  const manager = new Manager({ api: controllerApi, clock });
  // The register functions are typed for a Manager over the full Api, though the deployment
  // controller calls only what a ClusterApi offers (which this run checks): hence the cast.
  registerDeploymentController(manager as unknown as Manager);
  const abort = new AbortController();
  await manager.start(abort.signal);
  stops.unshift(async () => {
    abort.abort();
    await manager.stopped;
  });
  await system.resource('Deployment').create(deployment);
  for (let i = 0; i < 2000; i++) {
    await clock.flush();
    if ((await system.resource('ReplicaSet').list({ namespace: 'default' })).items.length > 0) break;
  }
  return (await system.resource('ReplicaSet').list({ namespace: 'default' })).items;
}

describe('a controller run with least privilege through api.as', () => {
  // Its informers list and watch, and its writes go, through the view: a role missing a verb would stall it.
  it('the deployment controller works as its bootstrap service account', async () => {
    const { clock, system, api } = await rbacCluster();
    const controller = api.as({
      user: 'system:serviceaccount:kube-system:deployment-controller',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'],
    });
    const sets = await runDeploymentController(clock, system, controller);
    expect(sets.map((rs) => rs.spec?.replicas)).toEqual([2]);
  });
});
