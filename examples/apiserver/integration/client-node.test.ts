import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedCluster, serveLocalCluster } from '../served-cluster.js';

/**
 * `@kubernetes/client-node` 1.x, a second real client, over HTTPS with the
 * CA the written kubeconfig carries.
 */

let served: ServedCluster;
let kc: KubeConfig;
let core: CoreV1Api;

const podOf = (name: string, labels: Record<string, string> = { app: 'cn' }): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'app', image: 'nginx' }] },
});

beforeAll(async () => {
  served = await serveLocalCluster({ nodes: 1, loopbackNet: 14, tls: true, historyLimit: 200 });
  kc = new KubeConfig();
  kc.loadFromFile(served.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await served?.stop();
});

/** Waits until `check` holds, re-checking on every informer event. */
function when(informer: { on(event: 'add' | 'update' | 'delete', cb: () => void): void }, check: () => boolean) {
  return new Promise<void>((resolve) => {
    if (check()) return resolve();
    const again = () => check() && resolve();
    informer.on('add', again);
    informer.on('update', again);
    informer.on('delete', again);
  });
}

describe('@kubernetes/client-node against a Flotilla ApiServer over HTTPS', () => {
  it('typed CRUD: create, read, list, patch, replace, delete a pod; a missing one is a 404', async () => {
    const created = await core.createNamespacedPod({ namespace: 'default', body: podOf('crud') });
    expect(created.metadata?.uid).toBeDefined();
    const read = await core.readNamespacedPod({ name: 'crud', namespace: 'default' });
    expect(read.spec?.containers[0]?.image).toBe('nginx');
    const list = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=cn' });
    expect(list.items.map((p) => p.metadata?.name)).toContain('crud');
    const patched = await core.patchNamespacedPod(
      { name: 'crud', namespace: 'default', body: { metadata: { labels: { patched: 'yes' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.labels?.patched).toBe('yes');
    const replaced = await core.replaceNamespacedPod({
      name: 'crud',
      namespace: 'default',
      body: { ...patched, metadata: { ...patched.metadata, annotations: { note: 'replaced' } } },
    });
    expect(replaced.metadata?.annotations?.note).toBe('replaced');
    await core.deleteNamespacedPod({ name: 'crud', namespace: 'default', gracePeriodSeconds: 0 });
    await expect(core.readNamespacedPod({ name: 'crud', namespace: 'default' })).rejects.toMatchObject({ code: 404 });
  });

  it('typed CRUD on a group kind: a Deployment is created and its scale read back', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'cn-web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'cn-web' } },
          template: { metadata: { labels: { app: 'cn-web' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } },
        },
      },
    });
    const scale = await apps.readNamespacedDeploymentScale({ name: 'cn-web', namespace: 'default' });
    expect(scale.spec?.replicas).toBe(1);
    expect(scale.status?.selector).toBe('app=cn-web');
  });

  it('makeInformer follows pod changes, survives an apiserver restart (410 -> relist) and misses nothing', async () => {
    const informer = makeInformer(
      kc,
      '/api/v1/namespaces/default/pods',
      () => core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=inf' }),
      'app=inf',
    );
    let restarted: Promise<void> = Promise.resolve();
    // client-node stops an informer on a connection error; its documented remedy is to start it again.
    informer.on('error', () => void restarted.then(() => informer.start()));
    await informer.start();
    const names = () => new Set(informer.list('default').map((p) => p.metadata?.name));

    await core.createNamespacedPod({ namespace: 'default', body: podOf('inf-1', { app: 'inf' }) });
    await when(informer, () => names().has('inf-1'));
    await core.patchNamespacedPod(
      { name: 'inf-1', namespace: 'default', body: { metadata: { labels: { app: 'inf', step: 'two' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await when(informer, () => informer.get('inf-1', 'default')?.metadata?.labels?.step === 'two');

    // The server goes away; meanwhile the cluster changes more than the store's history keeps.
    let markRestarted = () => {};
    restarted = new Promise((resolve) => {
      markRestarted = resolve;
    });
    await served.stopServer();
    const pods = served.cluster.api.resource('Pod');
    await pods.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'inf-2', namespace: 'default', labels: { app: 'inf' } },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    });
    await pods.delete('default', 'inf-1', { gracePeriodSeconds: 0 });
    const configMaps = served.cluster.api.resource('ConfigMap');
    for (let i = 0; i < 250; i++) {
      await configMaps.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `churn-${i}`, namespace: 'default' },
      });
    }
    await served.startServer();
    markRestarted();

    await when(informer, () => names().has('inf-2') && !names().has('inf-1'));
    expect([...names()].sort()).toEqual(['inf-2']);
    await informer.stop();
  });
});
