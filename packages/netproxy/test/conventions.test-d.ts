import type { ComponentLifecycle } from '@flotilla/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { ClusterDns, Proxier, ProxyInput, UserspaceProxy } from '../src/index.js';

describe('@flotilla/netproxy follows the conventions (docs/guides/conventions.md)', () => {
  it('every long-running part has the lifecycle shape', () => {
    expectTypeOf<Proxier>().toExtend<ComponentLifecycle>();
    expectTypeOf<UserspaceProxy>().toExtend<ComponentLifecycle>();
    expectTypeOf<ClusterDns>().toExtend<ComponentLifecycle>();
  });
  it('the userspace proxy and cluster DNS take the rule generators’ input', () => {
    expectTypeOf<ProxyInput>().toExtend<Parameters<UserspaceProxy['update']>[0]>();
    expectTypeOf<ProxyInput>().toExtend<Parameters<ClusterDns['update']>[0]>();
  });
});
