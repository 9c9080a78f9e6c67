import { Api, isReason, MemoryStore } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuthorizationMode, ClusterAuthorization, componentIdentities } from './authorization.js';

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
] as const;

describe('ClusterAuthorization', () => {
  it.each(cases)('RBAC: $who may $call: $rbac', async ({ identity, kind, rbac }) => {
    const authorization = await started('RBAC');
    expect(await allowed(authorization.as(identity).resource(kind).list())).toBe(rbac);
  });

  it.each(cases)('AlwaysAllow: $who may $call', async ({ identity, kind }) => {
    const authorization = await started('AlwaysAllow');
    expect(await allowed(authorization.as(identity).resource(kind).list())).toBe(true);
  });
});
