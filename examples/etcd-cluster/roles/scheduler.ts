import { Manager } from '@flotilla/core';
import { Scheduler } from '@flotilla/scheduler';
import { leaderElection, type RoleContext } from './role-context.js';

/**
 * kube-scheduler: schedules only while it holds the lease. A replica that
 * loses the lease while it should keep running exits (as kube-scheduler
 * does), so a restarted process starts with a fresh queue instead of
 * resuming a stale one.
 */
// #region scheduler
export async function runScheduler(ctx: RoleContext): Promise<void> {
  const { api, clock, logger, name, signal } = ctx;
  const manager = new Manager({ api, clock, logger, leaderElection: leaderElection('flotilla-scheduler', name) });
  const scheduler = new Scheduler({ api, informers: manager.informers, clock, logger });
  manager.add({
    start: async (leading) => {
      ctx.report({ event: 'leading' });
      await scheduler.run(leading);
      if (!signal.aborted)
        throw new Error(`${name} lost the scheduler lease; exiting so that a fresh process takes over`);
    },
  });
  await manager.start(signal);
  ctx.report({ event: 'ready' });
  await manager.stopped;
}
// #endregion scheduler
