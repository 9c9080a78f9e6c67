import { Api, type Deployment, type KubeObject, MemoryStore, type Pod } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pod, servedApi } from '../server/served-api.js';

/**
 * In Kubernetes every write passes kube-apiserver, so a controller's write owns the fields it sets and a later
 * `kubectl apply --server-side` of them conflicts with it. A Flotilla ApiServer keeps managedFields in the Api
 * it serves: with `inProcessFieldManager`, writes made in process are recorded as its own writes are.
 */
let s: Awaited<ReturnType<typeof servedApi>>;
afterEach(async () => {
  await s.close();
});

const deployments = '/apis/apps/v1/namespaces/default/deployments';

function deployment(replicas: number) {
  const labels = { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
    },
  };
}

const applyAsKubectl = (replicas: number, force = false) =>
  s.json(
    'PATCH',
    `${deployments}/web?fieldManager=kubectl${force ? '&force=true' : ''}`,
    deployment(replicas),
    'application/apply-patch+yaml',
  );

/** One `metadata.managedFields` entry, as far as these tests read it. */
interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  subresource?: string;
  fieldsV1?: Record<string, Record<string, unknown>>;
}

const managedFieldsOf = (obj: KubeObject) => (obj.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields;

const managersOf = (obj: KubeObject) =>
  (managedFieldsOf(obj) ?? []).map(({ manager, operation, subresource }) =>
    subresource ? { manager, operation, subresource } : { manager, operation },
  );

describe('with inProcessFieldManager, writes made in process own their fields as writes over HTTP do', () => {
  beforeEach(async () => {
    s = await servedApi({ inProcessFieldManager: 'flotilla' });
  });

  // The write's manager takes `spec.replicas` from kubectl's apply (5 for its 3) unless it writes status only.
  it.each([
    {
      what: 'an update naming no manager is recorded as the default manager and conflicts with a later apply',
      write: (d: Deployment) => s.api.resource('Deployment').update({ ...d, spec: { ...d.spec, replicas: 5 } }),
      manager: 'flotilla',
    },
    {
      what: 'an update naming its manager (as the HPA scaling a Deployment) conflicts under that name',
      write: (d: Deployment) =>
        s.api.resource('Deployment').update({ ...d, spec: { ...d.spec, replicas: 5 } }, { fieldManager: 'hpa' }),
      manager: 'hpa',
    },
    {
      what: 'a merge patch is recorded as an update',
      write: () => s.api.resource('Deployment').patch('default', 'web', { spec: { replicas: 5 } }),
      manager: 'flotilla',
    },
    {
      what: 'a status update owns status fields only, so the apply of spec does not conflict',
      write: (d: Deployment) =>
        s.api.resource('Deployment').updateStatus({ ...d, status: { replicas: 3, readyReplicas: 3 } }),
      manager: 'flotilla',
      subresource: 'status',
    },
  ])('$what', async ({ write, manager, subresource }) => {
    expect((await applyAsKubectl(3)).status).toBe(201);
    await write(await s.api.resource('Deployment').get('default', 'web'));
    const written = await s.api.resource('Deployment').get('default', 'web');
    const update = subresource ? { manager, operation: 'Update', subresource } : { manager, operation: 'Update' };
    const byName = (a: { manager: string }, b: { manager: string }) => a.manager.localeCompare(b.manager);
    expect(managersOf(written).sort(byName)).toEqual([{ manager: 'kubectl', operation: 'Apply' }, update].sort(byName));

    const reapplied = await applyAsKubectl(3);
    if (subresource === 'status') {
      expect(reapplied.status).toBe(200);
      return;
    }
    expect(reapplied.status).toBe(409);
    expect(reapplied.json.message).toContain(`conflict with "${manager}" using apps/v1: .spec.replicas`);
    expect((await s.api.resource('Deployment').get('default', 'web')).spec.replicas).toBe(5);
    const forced = await applyAsKubectl(3, true);
    expect(forced.status).toBe(200);
    expect(forced.json.spec.replicas).toBe(3);
  });

  it('a create in process owns every field it sets', async () => {
    const created = await s.api
      .resource('Pod')
      .create({ ...pod('web'), metadata: { name: 'web', namespace: 'default' } } as Pod);
    expect(managersOf(created)).toEqual([{ manager: 'flotilla', operation: 'Update' }]);
    expect(Object.keys(managedFieldsOf(created)?.[0]?.fieldsV1?.['f:spec'] ?? {})).toContain('f:containers');
  });

  it('binding a pod records nothing: Kubernetes records the Binding, not the Pod', async () => {
    const created = await s.api
      .resource('Pod')
      .create({ ...pod('web'), metadata: { name: 'web', namespace: 'default' } } as Pod);
    const bound = await s.api.bindPod({ namespace: 'default', name: 'web' }, 'node-1');
    expect(bound.spec.nodeName).toBe('node-1');
    expect(managedFieldsOf(bound)).toEqual(managedFieldsOf(created));
  });
});

describe('without inProcessFieldManager (the default), only writes naming their manager are recorded', () => {
  beforeEach(async () => {
    s = await servedApi();
  });
  const pods = '/api/v1/namespaces/default/pods';

  it.each([
    { fieldManager: undefined, managers: [] },
    { fieldManager: 'hpa', managers: [{ manager: 'hpa', operation: 'Update' }] },
  ])('an in-process create naming $fieldManager', async ({ fieldManager, managers }) => {
    const web = { ...pod('web'), metadata: { name: 'web', namespace: 'default' } } as Pod;
    const created = await s.api.resource('Pod').create(web, { fieldManager });
    expect(managersOf(created)).toEqual(managers);
  });

  it("a status update over HTTP records the writer's entry for the status subresource (as the kubelet's)", async () => {
    expect((await s.json('POST', `${pods}?fieldManager=kubectl`, pod('web'))).status).toBe(201);
    const stored = (await s.json('GET', `${pods}/web`)).json;
    const running = { ...stored, status: { phase: 'Running' } };
    const updated = await s.json('PUT', `${pods}/web/status?fieldManager=kubelet`, running);
    expect(updated.status).toBe(200);
    expect(managersOf(updated.json)).toEqual([
      { manager: 'kubectl', operation: 'Update' },
      { manager: 'kubelet', operation: 'Update', subresource: 'status' },
    ]);
    expect(managedFieldsOf(updated.json)?.[1]?.fieldsV1).toEqual({ 'f:status': { 'f:phase': {} } });
  });
});

it('an Api no ApiServer serves keeps no managedFields: nothing can apply to it', async () => {
  const store = new MemoryStore();
  const api = new Api({ store });
  try {
    const created = await api
      .resource('Pod')
      .create({ ...pod('web'), metadata: { name: 'web', namespace: 'default' } } as Pod);
    expect(managedFieldsOf(created)).toBeUndefined();
  } finally {
    await api.close();
    await store.close();
  }
});
