import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE } from '../../src/index.js';
import { send, servedApi } from '../server/served-api.js';

let s: Awaited<ReturnType<typeof servedApi>>;
beforeEach(async () => {
  s = await servedApi();
});
afterEach(async () => {
  await s.close();
});

/** What kubectl 1.32 sends for discovery (captured, KUBECTL-WIRE.md). */
const KUBECTL_DISCOVERY_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('discovery', () => {
  it('aggregated: /apis answers APIGroupDiscoveryList with its exact Content-Type', async () => {
    const r = await send(s.url, 'GET', '/apis', { headers: { Accept: KUBECTL_DISCOVERY_ACCEPT } });
    expect(r.headers['content-type']).toBe(AGGREGATED_DISCOVERY_CONTENT_TYPE);
    expect(r.json).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    const apps = r.json.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'apps');
    const deployments = apps.versions[0].resources.find((x: { resource: string }) => x.resource === 'deployments');
    expect(deployments).toMatchObject({
      responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      scope: 'Namespaced',
      shortNames: ['deploy'],
      categories: ['all'],
    });
    expect(deployments.subresources).toEqual(
      expect.arrayContaining([
        {
          subresource: 'scale',
          responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
          verbs: ['get', 'patch', 'update'],
        },
      ]),
    );
    expect(r.json.items.map((g: { metadata: { name: string } }) => g.metadata.name)).not.toContain('');
  });

  it('aggregated: /api answers the core group only (no name)', async () => {
    const r = await send(s.url, 'GET', '/api', { headers: { Accept: KUBECTL_DISCOVERY_ACCEPT } });
    expect(r.json.items.map((g: { metadata: { name: string } }) => g.metadata.name)).toEqual(['']);
    const pods = r.json.items[0].versions[0].resources.find((x: { resource: string }) => x.resource === 'pods');
    expect(pods.subresources.map((x: { subresource: string }) => x.subresource)).toEqual([
      'status',
      'binding',
      'eviction',
      'log',
      'exec',
      'attach',
      'portforward',
    ]);
  });

  it.each([
    ['/api', { kind: 'APIVersions', versions: ['v1'] }],
    ['/apis/apps', { kind: 'APIGroup', name: 'apps', preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
    ['/version', { major: '1', minor: '32' }],
  ])('legacy: %s', async (path, expected) => {
    const r = await send(s.url, 'GET', path, { headers: { Accept: 'application/json' } });
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json).toMatchObject(expected);
  });

  it('legacy: /apis lists every group but the core one; /api/v1 lists resources and subresources', async () => {
    const groups = (await send(s.url, 'GET', '/apis')).json;
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g: { name: string }) => g.name)).toEqual(expect.arrayContaining(['apps', 'batch']));
    const v1 = (await send(s.url, 'GET', '/api/v1')).json;
    expect(v1).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    const names = v1.resources.map((x: { name: string }) => x.name);
    expect(names).toEqual(expect.arrayContaining(['pods', 'pods/status', 'pods/binding', 'pods/eviction', 'nodes']));
  });

  it('a kind registered while the server runs is discovered and served at once', async () => {
    s.api.registerResource({
      group: 'example.com',
      version: 'v1',
      kind: 'Widget',
      plural: 'widgets',
      namespaced: true,
      shortNames: ['wd'],
    });
    const list = (await send(s.url, 'GET', '/apis/example.com/v1')).json;
    expect(list.resources).toEqual([
      expect.objectContaining({ name: 'widgets', kind: 'Widget', namespaced: true, shortNames: ['wd'] }),
    ]);
    const created = await s.json('POST', '/apis/example.com/v1/namespaces/default/widgets', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1' },
      spec: { size: 3 },
    });
    expect(created.status).toBe(201);
    const table = await send(s.url, 'GET', '/apis/example.com/v1/namespaces/default/widgets', {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    expect(table.json.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Age']);
  });

  it.each(['/healthz', '/livez', '/readyz'])('%s answers ok while serving', async (path) => {
    expect(await send(s.url, 'GET', path)).toMatchObject({ status: 200, text: 'ok' });
  });

  it('an unknown group or version is a 404 Status', async () => {
    expect((await send(s.url, 'GET', '/apis/nothing.example/v1')).json).toMatchObject({ kind: 'Status', code: 404 });
    expect((await send(s.url, 'GET', '/apis/apps/v9')).json).toMatchObject({ kind: 'Status', code: 404 });
  });

  it('OpenAPI v3 index and a group-version document; v2 only to a client that accepts JSON', async () => {
    const index = (await send(s.url, 'GET', '/openapi/v3')).json;
    expect(index.paths['apis/apps/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=/);
    const apps = await send(s.url, 'GET', '/openapi/v3/apis/apps/v1');
    expect(apps.json.openapi).toMatch(/^3\./);
    const protobufOnly = await send(s.url, 'GET', '/openapi/v2', {
      headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    expect(protobufOnly.status).toBe(404);
    expect((await send(s.url, 'GET', '/openapi/v2', { headers: { Accept: 'application/json' } })).json.swagger).toBe(
      '2.0',
    );
  });
});
