import { describe, expect, it } from 'vitest';
import { recordUpdate, type ServerSideApplyResult, serverSideApply } from '../../src/patch/index.js';

const now = new Date('2026-12-07T08:00:00.123Z');
const later = new Date('2026-12-07T09:00:00Z');

const deployment = (replicas: number, image = 'nginx:1.27', extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image }] },
    },
    ...extra,
  },
});

function applied(result: ServerSideApplyResult) {
  if (result.outcome !== 'applied') throw new Error(`expected an applied result, got ${JSON.stringify(result)}`);
  return result.object as ReturnType<typeof deployment> & {
    metadata: { managedFields: { manager: string; operation: string; fieldsV1: unknown; time?: string }[] };
  };
}

describe('serverSideApply', () => {
  it('creates the object with an Apply entry in Kubernetes fieldsV1 format', () => {
    const result = serverSideApply({ applied: deployment(2), fieldManager: 'kubectl', now });
    expect(result.outcome === 'applied' && result.created).toBe(true);
    expect(applied(result).metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2026-12-07T08:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
    ]);
  });

  it('reports a conflict with a client-side apply manager as kube-apiserver words it', () => {
    const live = recordUpdate(undefined, deployment(2), { manager: 'kubectl-client-side-apply', now });
    const result = serverSideApply({ live, applied: deployment(3), fieldManager: 'kubectl', now: later });
    expect(result.outcome).toBe('conflict');
    if (result.outcome !== 'conflict') return;
    expect(result.status).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
      details: {
        causes: [
          {
            type: 'FieldManagerConflict',
            field: '.spec.replicas',
            message: 'conflict with "kubectl-client-side-apply" using apps/v1 at 2026-12-07T08:00:00Z',
          },
        ],
      },
    });
  });

  it('lists several conflicts grouped by manager', () => {
    const live = recordUpdate(undefined, deployment(2), { manager: 'kubectl-client-side-apply', now });
    const result = serverSideApply({ live, applied: deployment(3, 'nginx:1.28'), fieldManager: 'kubectl', now });
    expect(result.outcome === 'conflict' && result.status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n' +
        '- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
  });

  it('force takes the conflicting fields over; the old owner keeps the rest', () => {
    const live = recordUpdate(undefined, deployment(2), { manager: 'kubectl-client-side-apply', now });
    const out = applied(serverSideApply({ live, applied: deployment(3), fieldManager: 'kubectl', force: true, now }));
    expect(out.spec.replicas).toBe(3);
    const csa = out.metadata.managedFields.find((m) => m.manager === 'kubectl-client-side-apply');
    expect(JSON.stringify(csa?.fieldsV1)).not.toContain('f:replicas');
    expect(JSON.stringify(csa?.fieldsV1)).toContain('f:image');
  });

  it('shares a field another manager owns when the applied value is the same', () => {
    const live = recordUpdate(undefined, deployment(2), { manager: 'kubectl-client-side-apply', now });
    const out = applied(serverSideApply({ live, applied: deployment(2), fieldManager: 'kubectl', now }));
    expect(out.metadata.managedFields.map((m) => m.manager)).toEqual(['kubectl', 'kubectl-client-side-apply']);
  });

  it('conflicts with a later kubectl scale (an Update through the scale subresource)', () => {
    const created = applied(serverSideApply({ applied: deployment(2), fieldManager: 'kubectl', now }));
    const scaled = recordUpdate(
      created,
      { ...created, spec: { ...created.spec, replicas: 5 } },
      { manager: 'kubectl', now: later, subresource: 'scale' },
    );
    const result = serverSideApply({ live: scaled, applied: deployment(2), fieldManager: 'kubectl', now: later });
    expect(result.outcome === 'conflict' && result.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
  });

  it('removes fields the applier alone owned and no longer applies; keeps those another manager owns', () => {
    const config = deployment(2);
    config.metadata.labels = { app: 'web', team: 'a', tier: 'b' } as typeof config.metadata.labels;
    const first = applied(serverSideApply({ applied: config, fieldManager: 'kubectl', now }));
    const labelled = recordUpdate(
      first,
      { ...first, metadata: { ...first.metadata, labels: { ...first.metadata.labels, tier: 'c' } } },
      { manager: 'kubectl-label', now },
    );
    const out = applied(serverSideApply({ live: labelled, applied: deployment(2), fieldManager: 'kubectl', now }));
    expect(out.metadata.labels).toEqual({ app: 'web', tier: 'c' });
  });

  it('removes a container the applier alone owned and no longer applies', () => {
    const two = deployment(2);
    two.spec.template.spec.containers.push({ name: 'sidecar', image: 'busybox' });
    const first = applied(serverSideApply({ applied: two, fieldManager: 'kubectl', now }));
    const out = applied(serverSideApply({ live: first, applied: deployment(2), fieldManager: 'kubectl', now }));
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['nginx']);
  });

  it.each([
    ['a new item after a shared one', ['a', 'b'], ['a', 'c'], ['a', 'b', 'c']],
    ['a new item before a shared one', ['a', 'b'], ['c', 'a'], ['c', 'a', 'b']],
    ['shared items reordered around a live-only one', ['a', 'b', 'c'], ['c', 'd', 'a'], ['b', 'c', 'd', 'a']],
  ])('orders merged containers as structured-merge-diff does: %s', (_name, live, config, merged) => {
    const withContainers = (names: string[]) => {
      const d = deployment(1);
      d.spec.template.spec.containers = names.map((name) => ({ name, image: name }));
      return d;
    };
    const owner = recordUpdate(undefined, withContainers(live), { manager: 'other', now });
    const out = applied(
      serverSideApply({ live: owner, applied: withContainers(config), fieldManager: 'kubectl', now }),
    );
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(merged);
  });

  it('credits the fields of an object without managedFields to before-first-apply', () => {
    const result = serverSideApply({ live: deployment(2), applied: deployment(4), fieldManager: 'kubectl', now });
    expect(result.outcome === 'conflict' && result.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
    );
  });

  it('applying the same configuration twice changes nothing, managedFields time included', () => {
    const first = applied(serverSideApply({ applied: deployment(2), fieldManager: 'kubectl', now }));
    const second = applied(
      serverSideApply({ live: first, applied: deployment(2), fieldManager: 'kubectl', now: later }),
    );
    expect(second).toEqual(first);
  });

  it('keeps fields the server set (status, uid, resourceVersion) and ignores applied values for them', () => {
    const live = {
      ...applied(serverSideApply({ applied: deployment(2), fieldManager: 'kubectl', now })),
      status: { replicas: 2 },
    };
    live.metadata = { ...live.metadata, uid: 'u1', resourceVersion: '7' } as typeof live.metadata;
    const config = { ...deployment(2), status: { replicas: 9 } };
    const out = applied(serverSideApply({ live, applied: config, fieldManager: 'kubectl', now }));
    expect(out).toMatchObject({ status: { replicas: 2 }, metadata: { uid: 'u1', resourceVersion: '7' } });
  });

  it('treats every list of a custom kind as atomic', () => {
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { items: [{ a: 1 }] },
    };
    const out = applied(serverSideApply({ applied: widget, fieldManager: 'm', now }));
    expect(out.metadata.managedFields[0].fieldsV1).toEqual({ 'f:spec': { 'f:items': {} } });
  });

  it.each([
    ['no fieldManager', { applied: deployment(1), fieldManager: '', now }],
    ['a non-object body', { applied: [1], fieldManager: 'm', now }],
    ['no apiVersion', { applied: { kind: 'X' }, fieldManager: 'm', now }],
    [
      'managedFields in the configuration',
      { applied: { ...deployment(1), metadata: { name: 'web', managedFields: [{}] } }, fieldManager: 'm', now },
    ],
  ])('refuses %s with 400', (_name, request) => {
    expect(() => serverSideApply(request)).toThrow(expect.objectContaining({ code: 400 }));
  });

  it('applies again to an object nested near the bound, whose managedFields nest deeper still', () => {
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 995; i++) deep = { a: deep };
    const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep' }, data: deep };
    const first = serverSideApply({ applied: config, fieldManager: 'm', now });
    if (first.outcome !== 'applied') throw new Error('a create never conflicts');
    expect(serverSideApply({ live: first.object, applied: config, fieldManager: 'm', now })).toEqual({
      ...first,
      created: false,
    });
  });

  it('refuses a configuration nested 8,000 levels deep with a typed error', () => {
    let deep: unknown = {};
    for (let i = 0; i < 8000; i++) deep = { a: deep };
    const config = { ...deployment(1), spec: deep };
    expect(() => serverSideApply({ applied: config, fieldManager: 'm', now })).toThrow(
      expect.objectContaining({ code: 400, reason: 'BadRequest' }),
    );
  });
});

describe('recordUpdate', () => {
  it('gives an update the fields it changed and takes them from other managers', () => {
    const created = recordUpdate(undefined, deployment(2), { manager: 'kubectl-create', now });
    const updated = recordUpdate(
      created,
      { ...created, spec: { ...created.spec, replicas: 4 } },
      {
        manager: 'kubectl-edit',
        now: later,
      },
    );
    const [create, edit] = (updated.metadata as unknown as { managedFields: { fieldsV1: unknown }[] }).managedFields;
    expect(edit).toMatchObject({
      manager: 'kubectl-edit',
      operation: 'Update',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    expect(JSON.stringify(create.fieldsV1)).not.toContain('f:replicas');
  });

  it('a status write owns status fields only; a main-resource write never takes them', () => {
    const created = recordUpdate(undefined, deployment(2), { manager: 'kubectl-create', now });
    const withStatus = recordUpdate(
      created,
      { ...created, status: { replicas: 2 } },
      { manager: 'deployment-controller', now, subresource: 'status' },
    );
    const entries = (withStatus.metadata as unknown as { managedFields: { manager: string; fieldsV1: unknown }[] })
      .managedFields;
    expect(entries.find((e) => e.manager === 'deployment-controller')?.fieldsV1).toEqual({
      'f:status': { 'f:replicas': {} },
    });
    const edited = recordUpdate(
      withStatus,
      { ...withStatus, status: { replicas: 9 } },
      { manager: 'kubectl-edit', now },
    );
    expect((edited.metadata as unknown as { managedFields: unknown[] }).managedFields).toEqual(entries);
  });

  it('keeps managedFields a client sets itself', () => {
    const created = recordUpdate(undefined, deployment(2), { manager: 'a', now });
    const reset = recordUpdate(
      created,
      { ...created, metadata: { ...created.metadata, managedFields: [] } },
      {
        manager: 'b',
        now,
      },
    );
    expect((reset.metadata as { managedFields: unknown[] }).managedFields).toEqual([]);
  });
});
