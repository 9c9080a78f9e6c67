import type { ResourceType } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pod, servedApi } from '../server/served-api.js';

let s: Awaited<ReturnType<typeof servedApi>>;
beforeEach(async () => {
  s = await servedApi();
});
afterEach(async () => {
  await s.close();
});

const pods = '/api/v1/namespaces/default/pods';

describe('REST over the Api: the verbs of a registered kind', () => {
  it('create answers 201 with the stored object; get and list read it back', async () => {
    const created = await s.json('POST', pods, pod('web', { app: 'web' }));
    expect(created.status).toBe(201);
    expect(created.json.metadata).toMatchObject({ name: 'web', namespace: 'default', generation: 1 });
    expect(created.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const got = await s.json('GET', `${pods}/web`);
    expect(got.status).toBe(200);
    expect(got.json.metadata.resourceVersion).toBe(created.json.metadata.resourceVersion);
    const list = await s.json('GET', pods);
    expect(list.json).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
    expect(list.json.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['web']);
  });

  it.each([
    ['labelSelector=app%3Dweb', ['a']],
    ['labelSelector=app%21%3Dweb', ['b']],
    ['fieldSelector=metadata.name%3Db', ['b']],
  ])('list filters by %s', async (query, names) => {
    await s.json('POST', pods, pod('a', { app: 'web' }));
    await s.json('POST', pods, pod('b', { app: 'db' }));
    const list = await s.json('GET', `${pods}?${query}`);
    expect(list.json.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(names);
  });

  it('list pages with limit and continue; all pages together hold every object once', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) await s.json('POST', pods, pod(n));
    const seen: string[] = [];
    let next = '';
    do {
      const page = await s.json('GET', `${pods}?limit=2${next ? `&continue=${encodeURIComponent(next)}` : ''}`);
      expect(page.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.items.map((p: { metadata: { name: string } }) => p.metadata.name));
      next = page.json.metadata.continue ?? '';
    } while (next);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('list across namespaces at /api/v1/pods', async () => {
    await s.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    await s.json('POST', pods, pod('a'));
    await s.json('POST', '/api/v1/namespaces/other/pods', pod('b'));
    const all = await s.json('GET', '/api/v1/pods');
    expect(all.json.items.map((p: { metadata: { namespace: string } }) => p.metadata.namespace).sort()).toEqual([
      'default',
      'other',
    ]);
  });

  it('update with a stale resourceVersion is a 409 Conflict; with the current one it succeeds', async () => {
    const created = (await s.json('POST', pods, pod('web'))).json;
    const changed = { ...created, metadata: { ...created.metadata, labels: { v: '2' } } };
    expect((await s.json('PUT', `${pods}/web`, changed)).status).toBe(200);
    const stale = await s.json('PUT', `${pods}/web`, changed);
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409 });
    expect(stale.json.details).toMatchObject({ name: 'web', kind: 'pods' });
  });

  it('a body for another namespace or name than the path is a 400', async () => {
    const other = { ...pod('web'), metadata: { name: 'web', namespace: 'elsewhere' } };
    expect((await s.json('POST', pods, other)).json).toMatchObject({ code: 400, reason: 'BadRequest' });
    await s.json('POST', pods, pod('web'));
    expect((await s.json('PUT', `${pods}/web`, pod('other'))).json).toMatchObject({ code: 400 });
  });

  it('an invalid object is a 422 with one cause per bad field, and nothing is written', async () => {
    const bad = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'Bad_Name' },
      spec: { containers: [{ name: 'x' }] },
    };
    const r = await s.json('POST', pods, bad);
    expect(r.status).toBe(422);
    expect(r.json.reason).toBe('Invalid');
    const fields = r.json.details.causes.map((c: { field: string }) => c.field);
    expect(fields).toContain('metadata.name');
    expect(fields).toContain('spec.containers[0].image');
    for (const cause of r.json.details.causes) expect(cause.reason).toMatch(/^FieldValue/);
    expect((await s.json('GET', pods)).json.items).toEqual([]);
  });

  it('dryRun=All answers the object it would write and writes nothing (create, update, patch, delete)', async () => {
    const dry = await s.json('POST', `${pods}?dryRun=All`, pod('web'));
    expect(dry.status).toBe(201);
    expect((await s.json('GET', `${pods}/web`)).status).toBe(404);
    await s.json('POST', pods, pod('web'));
    const patched = await s.json(
      'PATCH',
      `${pods}/web?dryRun=All`,
      { metadata: { labels: { x: 'y' } } },
      'application/merge-patch+json',
    );
    expect(patched.json.metadata.labels).toEqual({ x: 'y' });
    expect((await s.json('GET', `${pods}/web`)).json.metadata.labels).toEqual({});
    expect((await s.json('DELETE', `${pods}/web?dryRun=All`)).status).toBe(200);
    expect((await s.json('GET', `${pods}/web`)).status).toBe(200);
    expect((await s.json('POST', `${pods}?dryRun=Some`, pod('x'))).json).toMatchObject({ code: 400 });
  });

  it('delete honours DeleteOptions preconditions and answers a Success Status once the object is gone', async () => {
    await s.json('POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
    });
    const wrongUid = await s.json('DELETE', '/api/v1/namespaces/default/configmaps/c', {
      preconditions: { uid: 'nope' },
    });
    expect(wrongUid.json).toMatchObject({ code: 409, reason: 'Conflict' });
    const gone = await s.json('DELETE', '/api/v1/namespaces/default/configmaps/c', { propagationPolicy: 'Background' });
    expect(gone.json).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'c', kind: 'configmaps' } });
    const bad = await s.json('DELETE', '/api/v1/namespaces/default/configmaps/c', { propagationPolicy: 'Sideways' });
    expect(bad.json).toMatchObject({ code: 400 });
  });

  it('deletecollection deletes what the selector matches and answers the deleted list', async () => {
    await s.json('POST', pods, pod('a', { app: 'web' }));
    await s.json('POST', pods, pod('b', { app: 'db' }));
    const r = await s.json('DELETE', `${pods}?labelSelector=app%3Dweb`);
    expect(r.json.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['a']);
    // Pods are deleted gracefully: a is marked, b is untouched.
    const left = (await s.json('GET', pods)).json.items;
    expect(
      left.find((p: { metadata: { name: string } }) => p.metadata.name === 'b').metadata.deletionTimestamp,
    ).toBeUndefined();
  });

  it('patch: merge, JSON and strategic; an unknown patch type is a 415 naming the accepted ones', async () => {
    await s.json('POST', pods, pod('web'));
    const merge = await s.json(
      'PATCH',
      `${pods}/web`,
      { metadata: { labels: { a: '1' } } },
      'application/merge-patch+json',
    );
    expect(merge.json.metadata.labels).toEqual({ a: '1' });
    const json = await s.json(
      'PATCH',
      `${pods}/web`,
      [{ op: 'add', path: '/metadata/labels/b', value: '2' }],
      'application/json-patch+json',
    );
    expect(json.json.metadata.labels).toEqual({ a: '1', b: '2' });
    const strategic = await s.json(
      'PATCH',
      `${pods}/web`,
      { spec: { containers: [{ name: 'app', image: 'nginx:2' }] } },
      'application/strategic-merge-patch+json',
    );
    expect(strategic.json.spec.containers).toHaveLength(1);
    expect(strategic.json.spec.containers[0].image).toBe('nginx:2');
    const unknown = await s.json('PATCH', `${pods}/web`, {}, 'application/x-made-up');
    expect(unknown.status).toBe(415);
    expect(unknown.json.message).toContain('application/merge-patch+json');
  });

  it('the status subresource changes status only; the main resource keeps status', async () => {
    const created = (await s.json('POST', pods, pod('web'))).json;
    const withStatus = {
      ...created,
      status: { phase: 'Running' },
      metadata: { ...created.metadata, labels: { x: 'y' } },
    };
    const r = await s.json('PUT', `${pods}/web/status`, withStatus);
    expect(r.json.status.phase).toBe('Running');
    expect(r.json.metadata.labels).toEqual({});
    const main = await s.json('PATCH', `${pods}/web`, { status: { phase: 'Failed' } }, 'application/merge-patch+json');
    expect(main.json.status.phase).toBe('Running');
  });

  it('scale: GET answers autoscaling/v1 Scale with the selector; PUT and PATCH set spec.replicas', async () => {
    const deploy = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } },
      },
    };
    const path = '/apis/apps/v1/namespaces/default/deployments/web/scale';
    await s.json('POST', '/apis/apps/v1/namespaces/default/deployments', deploy);
    const scale = (await s.json('GET', path)).json;
    expect(scale).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      spec: { replicas: 1 },
      status: { selector: 'app=web' },
    });
    expect(
      (await s.json('PATCH', path, { spec: { replicas: 3 } }, 'application/merge-patch+json')).json.spec.replicas,
    ).toBe(3);
    expect((await s.json('PUT', path, { ...scale, spec: { replicas: 4 } })).status).toBe(409);
    const put = await s.json('PUT', path, {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web' },
      spec: { replicas: 4 },
    });
    expect(put.json.spec.replicas).toBe(4);
    expect((await s.json('PUT', path, { spec: { replicas: -1 } })).json).toMatchObject({
      code: 422,
      reason: 'Invalid',
    });
    expect((await s.json('GET', '/apis/apps/v1/namespaces/default/deployments/web')).json.spec.replicas).toBe(4);
  });

  it('scale of a custom kind reads and writes the paths its definition names', async () => {
    const scale = {
      specReplicasPath: '.spec.size',
      statusReplicasPath: '.status.size',
      labelSelectorPath: '.status.selector',
    };
    s.api.registerResource({
      group: 'example.com',
      version: 'v1',
      kind: 'Pool',
      plural: 'pools',
      namespaced: true,
      scale,
    } as ResourceType);
    const base = '/apis/example.com/v1/namespaces/default/pools';
    await s.json('POST', base, {
      apiVersion: 'example.com/v1',
      kind: 'Pool',
      metadata: { name: 'p' },
      spec: { size: 2 },
      status: { size: 1, selector: 'app=p' },
    });
    expect((await s.json('GET', `${base}/p/scale`)).json).toMatchObject({
      spec: { replicas: 2 },
      status: { replicas: 1, selector: 'app=p' },
    });
    const patched = await s.json('PATCH', `${base}/p/scale`, { spec: { replicas: 5 } }, 'application/merge-patch+json');
    expect(patched.json.spec.replicas).toBe(5);
    expect((await s.json('GET', `${base}/p`)).json.spec.size).toBe(5);
    const discovered = (await s.json('GET', '/apis/example.com/v1')).json.resources.map(
      (x: { name: string }) => x.name,
    );
    expect(discovered).toEqual(['pools', 'pools/scale']);
  });

  it('binding assigns the node once; eviction deletes the pod', async () => {
    await s.json('POST', pods, pod('web'));
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'web' },
      target: { kind: 'Node', name: 'n1' },
    };
    expect((await s.json('POST', `${pods}/web/binding`, binding)).status).toBe(201);
    expect((await s.json('GET', `${pods}/web`)).json.spec.nodeName).toBe('n1');
    expect((await s.json('POST', `${pods}/web/binding`, { ...binding, target: { name: 'n2' } })).status).toBe(409);
    const eviction = {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web' },
      deleteOptions: { gracePeriodSeconds: 0 },
    };
    expect((await s.json('POST', `${pods}/web/eviction`, eviction)).status).toBe(201);
    expect((await s.json('GET', `${pods}/web`)).status).toBe(404);
  });

  it('a binding whose uid is not the pod’s is refused: the pod was made again since the decision', async () => {
    await s.json('POST', pods, pod('web'));
    const stale = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'web', uid: '00000000-0000-0000-0000-000000000000' },
      target: { kind: 'Node', name: 'n1' },
    };
    expect((await s.json('POST', `${pods}/web/binding`, stale)).status).toBe(409);
    expect((await s.json('GET', `${pods}/web`)).json.spec.nodeName).toBeUndefined();
  });

  it('eviction honours a PodDisruptionBudget: 429 naming the budget, and the pod stays', async () => {
    await s.json('POST', pods, pod('web', { app: 'web' }));
    // A running, ready pod: a Pending one is evicted whatever its budget says, as in Kubernetes.
    const running = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
    expect((await s.json('PATCH', `${pods}/web/status`, running, 'application/merge-patch+json')).status).toBe(200);
    await s.json('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web-pdb' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
    });
    const refused = await s.json('POST', `${pods}/web/eviction`, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web' },
    });
    expect(refused.status).toBe(429);
    expect(refused.json.message).toContain('web-pdb');
    expect((await s.json('GET', `${pods}/web`)).status).toBe(200);
  });

  it.each([
    ['GET', '/api/v1/namespaces/default/nosuchthings', 404],
    ['GET', '/apis/apps/v1/namespaces/default/deployments/x/nosub', 404],
    ['GET', '/api/v1/namespaces/default/nodes/n1', 404],
    ['POST', '/api/v1/pods', 404],
    ['POST', `${pods}/web`, 405],
    ['GET', '/api/v1/namespaces/default/pods/..', 400],
    ['GET', '/api/v1/namespaces/default/pods/a%2Fb', 400],
    ['GET', '/api/v1/namespaces/default/pods/%E0%A4%A', 400],
  ])('%s %s is a %i Status', async (method, path, code) => {
    const r = await s.json(method, path, method === 'POST' ? pod('web') : undefined);
    expect(r.status).toBe(code);
    expect(r.json).toMatchObject({ kind: 'Status', status: 'Failure', code });
  });
});
