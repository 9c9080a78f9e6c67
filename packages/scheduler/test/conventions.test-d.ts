import type { ComponentLifecycle, Runnable } from '@flotilla/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { Scheduler, SchedulerOptions } from '../src/index.js';

describe('the Scheduler follows the conventions (docs/guides/conventions.md)', () => {
  it('has the lifecycle shape and runs under a Manager as it is', () => {
    expectTypeOf<Scheduler>().toExtend<ComponentLifecycle>();
    expectTypeOf<Scheduler>().toExtend<Runnable>();
  });
  it('takes an optional clock', () => {
    expectTypeOf<SchedulerOptions['clock']>().toEqualTypeOf<import('@flotilla/core').Clock | undefined>();
  });
});
