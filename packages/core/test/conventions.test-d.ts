import { describe, expectTypeOf, it } from 'vitest';
import type {
  Clock,
  ComponentLifecycle,
  InformerFactoryOptions,
  LeaderElectionOptions,
  Manager,
  ManagerOptions,
  ResourceClient,
  RunLoop,
} from '../src/index.js';

describe('@flotilla/core follows the conventions (docs/guides/conventions.md)', () => {
  it('Manager and RunLoop have the lifecycle shape', () => {
    expectTypeOf<Manager>().toExtend<ComponentLifecycle>();
    expectTypeOf<RunLoop>().toExtend<ComponentLifecycle>();
    expectTypeOf<Manager['start']>().parameters.toEqualTypeOf<[signal?: AbortSignal]>();
  });
  it('clocks are optional', () => {
    expectTypeOf<ManagerOptions['clock']>().toEqualTypeOf<Clock | undefined>();
    expectTypeOf<InformerFactoryOptions['clock']>().toEqualTypeOf<Clock | undefined>();
  });
  it('durations are milliseconds named ...Ms', () => {
    expectTypeOf<LeaderElectionOptions>().toHaveProperty('leaseDurationMs');
    expectTypeOf<LeaderElectionOptions>().toHaveProperty('renewDeadlineMs');
    expectTypeOf<LeaderElectionOptions>().toHaveProperty('retryPeriodMs');
  });
  it('cluster-scoped clients take (undefined, name)', () => {
    expectTypeOf<ResourceClient['get']>().parameter(0).toEqualTypeOf<string | undefined>();
  });
});
