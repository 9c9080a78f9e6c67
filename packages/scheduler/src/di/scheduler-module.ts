import { ContainerModule } from 'inversify';
import { Scheduler, type SchedulerOptions } from '../scheduler.js';

/** Injection tokens of the scheduler package. */
export const SchedulerTokens = {
  /** Bind the `SchedulerOptions` (api, informers, ...) here. */
  Options: Symbol.for('flotilla.scheduler.SchedulerOptions'),
  /** The Scheduler built from the bound options (a singleton). */
  Scheduler: Symbol.for('flotilla.scheduler.Scheduler'),
} as const;

/**
 * An inversify module binding `SchedulerTokens.Scheduler` to one Scheduler
 * made from the options bound to `SchedulerTokens.Options`. The Scheduler
 * is a plain class too: `new Scheduler(options)` works without a container.
 */
export const schedulerModule = new ContainerModule(({ bind }) => {
  bind(SchedulerTokens.Scheduler)
    .toDynamicValue((ctx) => new Scheduler(ctx.get<SchedulerOptions>(SchedulerTokens.Options)))
    .inSingletonScope();
});
