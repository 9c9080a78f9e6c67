import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { AuthorizerChain, alwaysAllowAuthorizer } from '../../src/authz/decisions.js';
import { NodeAuthorizer } from '../../src/authz/node-authorizer.js';
import { ForbiddenError } from '../../src/errors/api-errors.js';
import { Cache } from '../../src/informer/cache.js';
import type { Lease } from '../../src/model/coordination-v1.js';
import type { Pod } from '../../src/model/core-v1.js';
import type { KubeObject } from '../../src/model/meta.js';
import { MemoryStore } from '../../src/store/memory-store.js';

/** A cluster whose writes pass the Node authorizer, then anything (so only admission can refuse). */
function cluster() {
  const api = new Api({
    store: new MemoryStore(),
    authorizer: new AuthorizerChain([new NodeAuthorizer(new Cache<Pod>()), alwaysAllowAuthorizer]),
  });
  const node1 = api.as({ user: 'system:node:node-1', groups: ['system:nodes'] });
  return { api, node1 };
}

const node = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
const lease = (name: string, namespace = 'kube-node-lease'): Lease => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name, namespace },
  spec: { holderIdentity: name },
});
const pod = (name: string, nodeName: string, mirror: boolean): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', annotations: mirror ? { 'kubernetes.io/config.mirror': 'hash' } : {} },
  spec: { nodeName, containers: [{ name: 'c', image: 'x' }] },
});

// The refusals of Kubernetes' NodeRestriction admission (plugin/pkg/admission/noderestriction/admission.go).
const creates: [what: string, object: KubeObject, refusal: string | undefined][] = [
  ['its own Node', node('node-1'), undefined],
  ['another Node', node('node-2'), 'node "node-1" is not allowed to modify node "node-2"'],
  ['its own Lease', lease('node-1'), undefined],
  ['another node Lease', lease('node-2'), 'can only access node lease with the same name as the requesting node'],
  [
    'a Lease outside kube-node-lease, even its own name',
    lease('node-1', 'default'),
    'can only access leases in the "kube-node-lease" system namespace',
  ],
  ['a mirror pod bound to itself', pod('m', 'node-1', true), undefined],
  [
    'a pod that is not a mirror pod',
    pod('p', 'node-1', false),
    'pod does not have "kubernetes.io/config.mirror" annotation, node "node-1" can only create mirror pods',
  ],
  [
    'a mirror pod bound to another node',
    pod('m2', 'node-2', true),
    'node "node-1" can only create pods with spec.nodeName set to itself',
  ],
];

describe('NodeRestriction admission: what system:node:node-1 may create', () => {
  it.each(creates)('%s', async (_, object, refusal) => {
    const { api, node1 } = cluster();
    const { kind, metadata } = object;
    const write = node1.resource(kind).create(object);
    if (refusal === undefined) {
      await expect(write).resolves.toMatchObject({ metadata: { name: metadata.name } });
      return;
    }
    await expect(write).rejects.toThrow(ForbiddenError);
    await expect(node1.resource(kind).create(object)).rejects.toThrow(refusal);
    await expect(api.resource(kind).get(metadata.namespace ?? '', metadata.name)).rejects.toThrow(/not found/);
  });

  it('leaves other users and the trusted Api alone', async () => {
    const { api } = cluster();
    const admin = api.as({ user: 'alice', groups: ['system:masters'] });
    await expect(admin.resource('Node').create(node('node-2'))).resolves.toBeDefined();
    await expect(api.resource('Lease').create(lease('node-2'))).resolves.toBeDefined();
  });

  it('is not added without the Node authorizer', async () => {
    const api = new Api({ store: new MemoryStore(), authorizer: alwaysAllowAuthorizer });
    const node1 = api.as({ user: 'system:node:node-1', groups: ['system:nodes'] });
    await expect(node1.resource('Node').create(node('node-2'))).resolves.toBeDefined();
  });
});
