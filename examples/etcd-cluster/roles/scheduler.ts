import { Manager } from '@flotilla/core';
import { Scheduler } from '@flotilla/scheduler';
import { leaderElection, type RoleContext } from './role-context.js';

/**
 * kube-scheduler: schedules only while it holds the lease. Each term gets
 * a fresh Scheduler over the shared informers: kube-scheduler exits when
 * it loses the lease so that it never resumes a stale queue, and a new
 * Scheduler per term is that restart without the process's (the Manager
 * competes again and starts the next term itself).
 */
// #region scheduler
export async function runScheduler(ctx: RoleContext): Promise<void> {
  const { api, clock, logger, name, signal } = ctx;
  const manager = new Manager({ api, clock, logger, leaderElection: leaderElection('kube-scheduler', name) });
  manager.add({
    start: async (leading) => {
      ctx.report({ event: 'leading' });
      await new Scheduler({ api, informers: manager.informers, clock, logger }).run(leading);
    },
  });
  await manager.start(signal);
  ctx.report({ event: 'ready' });
  await manager.stopped;
}
// #endregion scheduler
