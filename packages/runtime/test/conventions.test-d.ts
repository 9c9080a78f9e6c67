import type { Clock, ComponentLifecycle } from '@flotilla/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { FakeRuntimeOptions, LogLine, NodeAgent, NodeAgentOptions } from '../src/index.js';

describe('@flotilla/runtime follows the conventions (docs/guides/conventions.md)', () => {
  it('the NodeAgent has the lifecycle shape', () => {
    expectTypeOf<NodeAgent>().toExtend<ComponentLifecycle>();
  });
  it('clocks are optional', () => {
    expectTypeOf<NodeAgentOptions['clock']>().toEqualTypeOf<Clock | undefined>();
    expectTypeOf<FakeRuntimeOptions['clock']>().toEqualTypeOf<Clock | undefined>();
  });
  it('logs are read by the names the API shows', () => {
    expectTypeOf<NodeAgent['containerLogs']>().parameters.toExtend<[string, string, string, ...unknown[]]>();
    expectTypeOf<NodeAgent['containerLogs']>().returns.toEqualTypeOf<AsyncIterable<LogLine>>();
  });
});
