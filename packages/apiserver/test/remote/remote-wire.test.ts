import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  Api,
  type ConfigMap,
  type CustomResourceDefinition,
  ForbiddenError,
  type KubeObject,
  MemoryStore,
  type Pod,
  RemoteApi,
} from '@flotilla/core';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiServer, writeKubeconfig } from '../../src/index.js';
import { faultProxy } from './fault-proxy.js';
import { pod, servedRemote } from './remote-fixture.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const configMap = (name: string): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { a: '1' },
});

describe('RemoteApi on the wire: what it sends is what kubectl sends (KUBECTL-WIRE.md)', () => {
  it('paths, methods, content types and query parameters of each call', async () => {
    const s = await servedRemote();
    cleanups.push(() => s.close());
    const proxy = await faultProxy(s.url);
    cleanups.push(() => proxy.close());
    const remote = s.connect({ server: proxy.url, watchTimeoutSeconds: 300 });
    const cms = remote.resource('ConfigMap');
    const sent = () => proxy.seen.at(-1)!;

    await cms.create(configMap('w'));
    expect(proxy.seen[0]).toMatchObject({ method: 'GET', url: '/api' });
    expect(proxy.seen[0]!.accept).toContain('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(proxy.seen[1]).toMatchObject({ method: 'GET', url: '/apis' });
    expect(sent()).toMatchObject({
      method: 'POST',
      url: '/api/v1/namespaces/default/configmaps?fieldManager=flotilla',
      contentType: 'application/json',
    });
    await cms.create(configMap('named'), { fieldManager: 'hpa', dryRun: true });
    expect(sent()).toMatchObject({
      method: 'POST',
      url: '/api/v1/namespaces/default/configmaps?fieldManager=hpa&dryRun=All',
    });

    await cms.patch('default', 'w', { data: { b: '2' } });
    expect(sent()).toMatchObject({
      method: 'PATCH',
      url: '/api/v1/namespaces/default/configmaps/w?fieldManager=flotilla',
      contentType: 'application/merge-patch+json',
      body: '{"data":{"b":"2"}}',
    });

    await remote.apply(configMap('w'));
    expect(sent()).toMatchObject({
      method: 'PATCH',
      url: '/api/v1/namespaces/default/configmaps/w?fieldManager=flotilla&force=true',
      contentType: 'application/apply-patch+yaml',
    });

    await cms.list({ namespace: 'default', labelSelector: { matchLabels: { app: 'web' } }, limit: 500 });
    expect(sent()).toMatchObject({
      method: 'GET',
      url: '/api/v1/namespaces/default/configmaps?labelSelector=app%3Dweb&limit=500',
    });

    const rv = (await cms.get('default', 'w')).metadata.resourceVersion!;
    const watched = firstValueFrom(
      cms.watch({ namespace: 'default', resourceVersion: rv, fieldSelector: 'metadata.name=w' }),
    );
    await cms.patch('default', 'w', { data: { c: '3' } });
    await watched;
    const watch = proxy.seen.find((r) => r.url.includes('watch=true'))!;
    expect(watch.url).toBe(
      `/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}&timeoutSeconds=300&fieldSelector=metadata.name%3Dw`,
    );

    await cms.delete('default', 'w', { propagationPolicy: 'Background' });
    expect(sent()).toMatchObject({
      method: 'DELETE',
      url: '/api/v1/namespaces/default/configmaps/w',
      contentType: 'application/json',
    });
    expect(JSON.parse(sent().body!)).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Background',
    });

    await remote.resource('Pod').create(pod('p') as Pod);
    await remote.bindPod({ namespace: 'default', name: 'p' }, 'node-1');
    const binding = proxy.seen.find((r) => r.url.endsWith('/binding'))!;
    expect(binding).toMatchObject({ method: 'POST', url: '/api/v1/namespaces/default/pods/p/binding' });
    expect(JSON.parse(binding.body!)).toMatchObject({ kind: 'Binding', target: { kind: 'Node', name: 'node-1' } });
    await remote.evict('default', 'p');
    expect(sent()).toMatchObject({ method: 'POST', url: '/api/v1/namespaces/default/pods/p/eviction' });
    expect(JSON.parse(sent().body!)).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'p', namespace: 'default' },
    });
    expect(proxy.count(/ \/apis\/apps/)).toBe(0);
  });

  it('finds a custom kind defined after its discovery was read (a miss reads discovery again); ready() registers it', async () => {
    const s = await servedRemote();
    cleanups.push(() => s.close());
    await s.remote.ready();
    await s.api.resource('CustomResourceDefinition').create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Gadget', plural: 'gadgets', listKind: 'GadgetList', singular: 'gadget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    } as CustomResourceDefinition);
    await s.api.ready();
    const gadget = {
      apiVersion: 'example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'g', namespace: 'default' },
      spec: { color: 'red' },
    };
    const created = await s.remote.resource('Gadget').create(gadget as KubeObject);
    expect(created.metadata.uid).toBeTruthy();
    expect(s.remote.registry.find('Gadget')).toBeUndefined();
    await s.remote.ready();
    expect(s.remote.registry.get('Gadget')).toMatchObject({
      group: 'example.com',
      version: 'v1',
      plural: 'gadgets',
      namespaced: true,
    });
  });

  it('HTTPS with a bearer token from a kubeconfig written by the apiserver; a wrong token is refused as Unauthorized', async () => {
    const store = new MemoryStore();
    const api = new Api({ store });
    const server = new ApiServer({
      api,
      authenticator: {
        authenticate: (req) =>
          req.headers.authorization === 'Bearer s3cret'
            ? { username: 'alice', groups: ['system:authenticated'] }
            : undefined,
      },
    });
    const info = await server.listen({ port: 0, tls: true });
    cleanups.push(async () => {
      await server.stop();
      await api.close();
      await store.close();
    });
    const path = join(mkdtempSync(join(tmpdir(), 'flotilla-remote-')), 'config');
    await writeKubeconfig(path, { server: info, token: 's3cret', namespace: 'kube-system' });

    const remote = new RemoteApi({ kubeconfig: path });
    cleanups.push(() => remote.close());
    expect(remote.namespace).toBe('kube-system');
    expect(info.url.startsWith('https://')).toBe(true);
    const created = await remote.resource('ConfigMap').create({ ...configMap('tls'), metadata: { name: 'tls' } });
    expect(created.metadata.namespace).toBe('kube-system');

    // An exec credential plugin in the kubeconfig (run with its argument array) hands out the token instead.
    const plugin = join(dirname(path), 'plugin.mjs');
    writeFileSync(
      plugin,
      `console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: process.argv[2] } }));`,
    );
    const execConfig = join(dirname(path), 'exec-config');
    writeFileSync(
      execConfig,
      readFileSync(path, 'utf8').replace(
        /token: .*/,
        `exec: { apiVersion: client.authentication.k8s.io/v1, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(plugin)}, s3cret] }`,
      ),
    );
    expect(readFileSync(execConfig, 'utf8')).not.toMatch(/token:/);
    const viaPlugin = new RemoteApi({ kubeconfig: execConfig });
    cleanups.push(() => viaPlugin.close());
    expect((await viaPlugin.resource('ConfigMap').get('kube-system', 'tls')).metadata.uid).toBe(created.metadata.uid);

    const intruder = new RemoteApi({ kubeconfig: path, token: 'wrong' });
    cleanups.push(() => intruder.close());
    const err = await intruder
      .resource('ConfigMap')
      .list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as Error).message).toMatch(/^Unauthorized/);
  });
});
