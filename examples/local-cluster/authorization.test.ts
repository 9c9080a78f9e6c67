import { controllerRegistrations } from '@flotilla/controllers';
import { Api, bootstrapClusterRoleBindings, bootstrapClusterRoles, isReason, MemoryStore } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AuthorizationMode,
  ClusterAuthorization,
  componentIdentities,
  controllerServiceAccounts,
} from './authorization.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function started(mode: AuthorizationMode): Promise<ClusterAuthorization> {
  const store = new MemoryStore();
  const api = new Api({ store });
  const authorization = await ClusterAuthorization.start(api, mode);
  stops.push(
    () => store.close(),
    () => api.close(),
    () => authorization.stop(),
  );
  return authorization;
}

/** Whether `call` was allowed: resolved, or failed for another reason than Forbidden. */
const allowed = (call: Promise<unknown>) =>
  call.then(
    () => true,
    (err: unknown) => !isReason(err, 'Forbidden'),
  );

const node1 = componentIdentities.node('node-1');
const { controller, controllerManager } = componentIdentities;

// What each component's bootstrap role (Kubernetes' bootstrappolicy) lets it do, and what it does not.
const cases = [
  { who: 'scheduler', identity: componentIdentities.scheduler, call: 'list nodes', kind: 'Node', rbac: true },
  { who: 'scheduler', identity: componentIdentities.scheduler, call: 'list pods', kind: 'Pod', rbac: true },
  { who: 'scheduler', identity: componentIdentities.scheduler, call: 'list secrets', kind: 'Secret', rbac: false },
  { who: 'proxy', identity: componentIdentities.proxy, call: 'list services', kind: 'Service', rbac: true },
  { who: 'proxy', identity: componentIdentities.proxy, call: 'list endpointslices', kind: 'EndpointSlice', rbac: true },
  { who: 'proxy', identity: componentIdentities.proxy, call: 'list pods', kind: 'Pod', rbac: false },
  { who: 'node-1', identity: node1, call: 'list nodes', kind: 'Node', rbac: true },
  { who: 'node-1', identity: node1, call: 'list secrets', kind: 'Secret', rbac: false },
  { who: 'node-1', identity: node1, call: 'list services', kind: 'Service', rbac: true },
  { who: 'controller-manager', identity: controllerManager, call: 'list secrets', kind: 'Secret', rbac: true },
  { who: 'controller-manager', identity: controllerManager, call: 'list deployments', kind: 'Deployment', rbac: true },
  { who: 'job-controller', identity: controller('job-controller'), call: 'list jobs', kind: 'Job', rbac: true },
  { who: 'job-controller', identity: controller('job-controller'), call: 'list secrets', kind: 'Secret', rbac: false },
  {
    who: 'replicaset-controller',
    identity: controller('replicaset-controller'),
    call: 'list deployments',
    kind: 'Deployment',
    rbac: false,
  },
] as const;

describe('ClusterAuthorization', () => {
  it.each(cases)('RBAC: $who may $call: $rbac', async ({ identity, kind, rbac }) => {
    const authorization = await started('RBAC');
    expect(await allowed(authorization.as(identity).resource(kind).list())).toBe(rbac);
  });

  it('every controller the preset starts acts as a ServiceAccount bound to its bootstrap role, but the allocator', () => {
    const roles = new Set(bootstrapClusterRoles().map((r) => r.metadata.name));
    const bound = new Map(
      bootstrapClusterRoleBindings().map((b) => [b.roleRef.name, b.subjects?.map((s) => `${s.namespace}/${s.name}`)]),
    );
    const uncovered = controllerRegistrations
      .map((r) => r.name)
      .filter((name) => {
        const account = controllerServiceAccounts[name];
        const role = `system:controller:${account}`;
        return !account || !roles.has(role) || !bound.get(role)?.includes(`kube-system/${account}`);
      });
    // The service controller allocates ClusterIPs at admission: kube-apiserver's work, on the trusted Api.
    expect(uncovered).toEqual(['service']);
  });

  it.each(cases)('AlwaysAllow: $who may $call', async ({ identity, kind }) => {
    const authorization = await started('AlwaysAllow');
    expect(await allowed(authorization.as(identity).resource(kind).list())).toBe(true);
  });
});
