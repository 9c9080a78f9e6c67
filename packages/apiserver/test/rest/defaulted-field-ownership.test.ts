import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { servedApi } from '../server/served-api.js';

/**
 * kube-apiserver defaults a body as it decodes it, then records the write's
 * fields, then runs admission: a create's manager owns the defaults
 * (`imagePullPolicy`, `dnsPolicy`, a Deployment's `progressDeadlineSeconds`),
 * and nobody owns what admission adds (a Pod's `serviceAccountName` and its
 * not-ready / unreachable tolerations) or what the registry assigns (a
 * Service's cluster IP). So a later `kubectl apply --server-side` that
 * changes a defaulted field conflicts with the creator, as on a real cluster.
 * Expected trees read as `kubectl get -o yaml --show-managed-fields` prints
 * them on Kubernetes 1.32, less the `.` entries Flotilla does not write for
 * maps and lists absent from a kind's zero value (the package README's
 * "Not yet").
 */
let s: Awaited<ReturnType<typeof servedApi>>;
beforeEach(async () => {
  s = await servedApi();
});
afterEach(async () => {
  await s.close();
});

const labels = { app: 'web' };
const container = { name: 'web', image: 'nginx' };
const deployment = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [container] } },
    ...spec,
  },
});

/** A defaulted container's fields, owned by whoever wrote the container. */
const containerFields = {
  '.': {},
  'f:image': {},
  'f:imagePullPolicy': {},
  'f:name': {},
  'f:terminationMessagePath': {},
};
/** A defaulted pod spec's own fields. */
const podSpecFields = {
  'f:dnsPolicy': {},
  'f:enableServiceLinks': {},
  'f:restartPolicy': {},
  'f:schedulerName': {},
  'f:terminationGracePeriodSeconds': {},
};

describe("a create's manager owns the defaults, not what admission or the registry adds", () => {
  it.each([
    {
      kind: 'Pod',
      path: '/api/v1/namespaces/default/pods',
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels }, spec: { containers: [container] } },
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"web"}': containerFields }, ...podSpecFields },
      },
      // Set by the ServiceAccount and DefaultTolerationSeconds admission, so owned by nobody.
      unowned: (created: { spec: Record<string, unknown> }) => {
        expect(created.spec.serviceAccountName).toBe('default');
        expect(created.spec.tolerations).toHaveLength(2);
      },
    },
    {
      kind: 'Pod with a nodeSelector and an env var from a Secret (both atomic: owned whole)',
      path: '/api/v1/namespaces/default/pods',
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web' },
        spec: {
          nodeSelector: { disk: 'ssd' },
          containers: [
            { ...container, env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }] },
          ],
        },
      },
      fieldsV1: {
        'f:spec': {
          'f:containers': {
            'k:{"name":"web"}': {
              ...containerFields,
              'f:env': { 'k:{"name":"TOKEN"}': { '.': {}, 'f:name': {}, 'f:valueFrom': { 'f:secretKeyRef': {} } } },
            },
          },
          'f:nodeSelector': {},
          ...podSpecFields,
        },
      },
      unowned: () => {},
    },
    {
      kind: 'Deployment',
      path: '/apis/apps/v1/namespaces/default/deployments',
      body: deployment(),
      fieldsV1: {
        'f:spec': {
          'f:progressDeadlineSeconds': {},
          'f:replicas': {},
          'f:revisionHistoryLimit': {},
          'f:selector': {},
          'f:strategy': { 'f:rollingUpdate': { 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"web"}': containerFields }, ...podSpecFields },
          },
        },
      },
      unowned: () => {},
    },
    {
      kind: 'Service',
      path: '/api/v1/namespaces/default/services',
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { selector: labels, ports: [{ port: 80 }] },
      },
      // The selector is `+mapType=atomic`: owned whole.
      fieldsV1: {
        'f:spec': {
          'f:internalTrafficPolicy': {},
          'f:ports': {
            'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:protocol': {}, 'f:targetPort': {} },
          },
          'f:selector': {},
          'f:sessionAffinity': {},
          'f:type': {},
        },
      },
      unowned: () => {},
    },
  ])('$kind', async ({ path, body, fieldsV1, unowned }) => {
    const created = await s.json('POST', `${path}?fieldManager=kubectl-create`, body);
    expect(created.status).toBe(201);
    expect(created.json.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'kubectl-create', operation: 'Update', fieldsV1 }),
    ]);
    unowned(created.json);
  });

  it("an update's manager owns the defaults of the container it adds, and the creator keeps its own", async () => {
    await s.json('POST', '/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create', deployment());
    const live = (await s.json('GET', '/apis/apps/v1/namespaces/default/deployments/web')).json;
    live.spec.template.spec.containers.push({ name: 'sidecar', image: 'busybox:1.36' });
    const updated = await s.json('PUT', '/apis/apps/v1/namespaces/default/deployments/web?fieldManager=editor', live);
    expect(updated.status).toBe(200);
    const entries = updated.json.metadata.managedFields as { manager: string; fieldsV1: Record<string, never> }[];
    const editor = entries.find((e) => e.manager === 'editor');
    expect(editor?.fieldsV1).toEqual({
      'f:spec': {
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"sidecar"}': { ...containerFields },
            },
          },
        },
      },
    });
    const creator = entries.find((e) => e.manager === 'kubectl-create');
    expect(Object.keys(creator?.fieldsV1['f:spec'] ?? {})).toContain('f:progressDeadlineSeconds');
  });

  it('a server-side apply that changes a defaulted field conflicts with the creator, and --force-conflicts takes it', async () => {
    await s.json('POST', '/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create', deployment());
    const apply = (force: boolean) =>
      s.json(
        'PATCH',
        `/apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl${force ? '&force=true' : ''}`,
        deployment({ progressDeadlineSeconds: 120 }),
        'application/apply-patch+yaml',
      );
    const refused = await apply(false);
    expect(refused.status).toBe(409);
    expect(refused.json.message).toContain(
      'conflict with "kubectl-create" using apps/v1: .spec.progressDeadlineSeconds',
    );
    const forced = await apply(true);
    expect(forced.status).toBe(200);
    expect(forced.json.spec.progressDeadlineSeconds).toBe(120);
  });
});
