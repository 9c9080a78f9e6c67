import { startControllerManager } from '@flotilla/controllers';
import { Manager } from '@flotilla/core';
import { leaderElection, type RoleContext } from './role-context.js';

/**
 * kube-controller-manager: the controller preset on a RemoteApi under
 * leader election, so of two replicas only the lease holder runs
 * controllers and the other waits with warm caches.
 */
export async function runControllerManager(ctx: RoleContext): Promise<void> {
  const { api, clock, logger, name, signal } = ctx;
  const manager = new Manager({
    api,
    clock,
    logger,
    leaderElection: leaderElection('kube-controller-manager', name),
  });
  startControllerManager(manager);
  manager.add({ start: () => ctx.report({ event: 'leading' }) });
  await manager.start(signal);
  ctx.report({ event: 'ready' });
  await manager.stopped;
}
