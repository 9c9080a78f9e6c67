import { describe, expect, it } from 'vitest';
import { NodeAuthorizer } from '../../src/authz/node-authorizer.js';
import { Cache } from '../../src/informer/cache.js';
import type { Pod } from '../../src/model/core-v1.js';
import { resourceAttributes } from './rbac-fixtures.js';

const pod = (name: string, nodeName: string, secret: string, configMap: string, claim: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'apps', resourceVersion: '1' },
  spec: {
    nodeName,
    serviceAccountName: `${name}-account`,
    imagePullSecrets: [{ name: `${name}-pull` }],
    containers: [
      {
        name: 'c',
        image: 'x',
        env: [{ name: 'A', valueFrom: { secretKeyRef: { name: `${name}-env`, key: 'k' } } }],
        envFrom: [{ configMapRef: { name: `${name}-envfrom` } }],
      },
    ],
    volumes: [
      { name: 's', secret: { secretName: secret } },
      { name: 'c', configMap: { name: configMap } },
      { name: 'p', persistentVolumeClaim: { claimName: claim } },
      { name: 'proj', projected: { sources: [{ secret: { name: `${name}-projected` } }] } },
    ],
  },
});

const pods = new Cache<Pod>();
pods.put(pod('web-1', 'node-1', 'shared', 'cfg-1', 'data-1'));
pods.put(pod('web-2', 'node-2', 'only-on-2', 'cfg-2', 'data-2'));
pods.put(pod('web-3', 'node-2', 'shared', 'cfg-2', 'data-2'));
const authorizer = new NodeAuthorizer(pods);
const node1 = { username: 'system:node:node-1', groups: ['system:nodes', 'system:authenticated'] };

type Row = [what: string, ask: Parameters<typeof resourceAttributes>[0], want: 'Allow' | 'Deny' | 'NoOpinion'];
const as1 = (a: Parameters<typeof resourceAttributes>[0]) => ({ username: node1.username, groups: node1.groups, ...a });

const rows: Row[] = [
  [
    'gets a secret a pod on it mounts',
    as1({ verb: 'get', resource: 'secrets', namespace: 'apps', name: 'shared' }),
    'Allow',
  ],
  [
    'gets an image pull secret of its pod',
    as1({ verb: 'get', resource: 'secrets', namespace: 'apps', name: 'web-1-pull' }),
    'Allow',
  ],
  [
    'gets a secret its pod reads into env',
    as1({ verb: 'get', resource: 'secrets', namespace: 'apps', name: 'web-1-env' }),
    'Allow',
  ],
  [
    'gets a projected secret of its pod',
    as1({ verb: 'get', resource: 'secrets', namespace: 'apps', name: 'web-1-projected' }),
    'Allow',
  ],
  [
    'gets a configmap of its pod (envFrom)',
    as1({ verb: 'get', resource: 'configmaps', namespace: 'apps', name: 'web-1-envfrom' }),
    'Allow',
  ],
  [
    'gets a claim of its pod',
    as1({ verb: 'get', resource: 'persistentvolumeclaims', namespace: 'apps', name: 'data-1' }),
    'Allow',
  ],
  [
    'cannot get a secret used only by a pod on node-2',
    as1({ verb: 'get', resource: 'secrets', namespace: 'apps', name: 'only-on-2' }),
    'NoOpinion',
  ],
  [
    'cannot get a configmap used only on node-2',
    as1({ verb: 'get', resource: 'configmaps', namespace: 'apps', name: 'cfg-2' }),
    'NoOpinion',
  ],
  [
    "cannot get its pod's secret from another namespace",
    as1({ verb: 'get', resource: 'secrets', namespace: 'other', name: 'shared' }),
    'NoOpinion',
  ],
  [
    'creates a token for the service account its pod runs as',
    as1({
      verb: 'create',
      resource: 'serviceaccounts',
      subresource: 'token',
      namespace: 'apps',
      name: 'web-1-account',
    }),
    'Allow',
  ],
  [
    'cannot create a token for the account of a pod on node-2',
    as1({
      verb: 'create',
      resource: 'serviceaccounts',
      subresource: 'token',
      namespace: 'apps',
      name: 'web-2-account',
    }),
    'NoOpinion',
  ],
  [
    'cannot get the service account itself',
    as1({ verb: 'get', resource: 'serviceaccounts', namespace: 'apps', name: 'web-1-account' }),
    'NoOpinion',
  ],
  ['cannot list secrets', as1({ verb: 'list', resource: 'secrets', namespace: 'apps' }), 'NoOpinion'],
  ['gets its own pod', as1({ verb: 'get', resource: 'pods', namespace: 'apps', name: 'web-1' }), 'Allow'],
  ['cannot get a pod on node-2', as1({ verb: 'get', resource: 'pods', namespace: 'apps', name: 'web-2' }), 'NoOpinion'],
  [
    'lists pods with its node field selector',
    as1({ verb: 'list', resource: 'pods', fieldSelector: 'spec.nodeName=node-1' }),
    'Allow',
  ],
  ['cannot list every pod', as1({ verb: 'list', resource: 'pods' }), 'NoOpinion'],
  [
    "cannot watch node-2's pods",
    as1({ verb: 'watch', resource: 'pods', fieldSelector: 'spec.nodeName=node-2' }),
    'NoOpinion',
  ],
  [
    "patches its pod's status",
    as1({ verb: 'patch', resource: 'pods', subresource: 'status', namespace: 'apps', name: 'web-1' }),
    'Allow',
  ],
  [
    "cannot update a node-2 pod's status",
    as1({ verb: 'update', resource: 'pods', subresource: 'status', namespace: 'apps', name: 'web-2' }),
    'Deny',
  ],
  ['reads any node', as1({ verb: 'get', resource: 'nodes', name: 'node-2' }), 'Allow'],
  ['patches its own node', as1({ verb: 'patch', resource: 'nodes', name: 'node-1' }), 'Allow'],
  [
    'updates its own node status',
    as1({ verb: 'update', resource: 'nodes', subresource: 'status', name: 'node-1' }),
    'Allow',
  ],
  ['cannot patch node-2', as1({ verb: 'patch', resource: 'nodes', name: 'node-2' }), 'Deny'],
  [
    "cannot patch node-2's status",
    as1({ verb: 'patch', resource: 'nodes', subresource: 'status', name: 'node-2' }),
    'Deny',
  ],
  [
    'renews its own lease',
    as1({
      verb: 'update',
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      namespace: 'kube-node-lease',
      name: 'node-1',
    }),
    'Allow',
  ],
  [
    "cannot renew node-2's lease",
    as1({
      verb: 'update',
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      namespace: 'kube-node-lease',
      name: 'node-2',
    }),
    'Deny',
  ],
  ['records events', as1({ verb: 'create', resource: 'events', namespace: 'apps' }), 'Allow'],
  ['registers a Node (a create names none)', as1({ verb: 'create', resource: 'nodes' }), 'Allow'],
  ['lists services, as the system:node rules let every node', as1({ verb: 'list', resource: 'services' }), 'Allow'],
  [
    'cannot update a lease outside kube-node-lease',
    as1({ verb: 'update', apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: 'apps', name: 'node-1' }),
    'NoOpinion',
  ],
  ['cannot delete services', as1({ verb: 'delete', resource: 'services', namespace: 'apps', name: 's' }), 'NoOpinion'],
  [
    'has no opinion on deployments',
    as1({ verb: 'get', apiGroup: 'apps', resource: 'deployments', namespace: 'apps', name: 'x' }),
    'NoOpinion',
  ],
  [
    'has no opinion on a user named like a node but not in system:nodes',
    { username: 'system:node:node-1', groups: [], verb: 'patch', resource: 'nodes', name: 'node-1' },
    'NoOpinion',
  ],
];

describe('NodeAuthorizer: system:node:node-1 in system:nodes', () => {
  it.each(rows)('%s', (_, ask, want) => {
    expect(authorizer.authorize(resourceAttributes(ask)).decision).toBe(want);
  });

  it('follows the pod cache: a pod moved onto node-1 opens its secret', () => {
    const local = new Cache<Pod>();
    const auth = new NodeAuthorizer(local);
    const ask = resourceAttributes(as1({ verb: 'get', resource: 'secrets', namespace: 'apps', name: 'late' }));
    expect(auth.authorize(ask).decision).toBe('NoOpinion');
    local.put(pod('late-pod', 'node-1', 'late', 'c', 'd'));
    expect(auth.authorize(ask).decision).toBe('Allow');
  });
});
