import { type ClusterApi, type Condition, type Pod, toTimestamp } from '@flotilla/core';
import type { SchedulerClient } from '../framework/handle.js';

/**
 * The scheduler's writes through the Api: binding (the pod's binding
 * subresource), graceful deletion of preemption victims (guarded by uid so a
 * recreated pod of the same name is never hit), and the nominated node.
 */
export class ApiSchedulerClient implements SchedulerClient {
  constructor(private readonly api: ClusterApi) {}

  async bindPod(pod: Pod, nodeName: string): Promise<void> {
    const { namespace = 'default', name, uid } = pod.metadata;
    await this.api.bindPod({ namespace, name, uid }, nodeName);
  }

  async evictPod(victim: Pod): Promise<void> {
    const { namespace = 'default', name, uid } = victim.metadata;
    await this.api.resource('Pod').delete(namespace, name, { preconditions: uid ? { uid } : undefined });
  }

  async setNominatedNodeName(pod: Pod, nodeName: string | undefined): Promise<void> {
    const { namespace = 'default', name } = pod.metadata;
    await this.api.resource('Pod').patchStatus(namespace, name, { status: { nominatedNodeName: nodeName ?? null } });
  }

  /**
   * Writes `PodScheduled=False` with kube-scheduler's reason (`Unschedulable`
   * or `SchedulerError`) and message, keeping the pod's other conditions.
   * Skips the write when the condition already says the same.
   */
  async setPodScheduledFalse(pod: Pod, reason: string, message: string): Promise<void> {
    const conditions = pod.status?.conditions ?? [];
    const current = conditions.find((c) => c.type === 'PodScheduled');
    if (current?.status === 'False' && current.reason === reason && current.message === message) return;
    const scheduled: Condition = {
      type: 'PodScheduled',
      status: 'False',
      reason,
      message,
      lastTransitionTime: toTimestamp(this.api.clock.now()),
    };
    const { namespace = 'default', name } = pod.metadata;
    await this.api.resource('Pod').patchStatus(namespace, name, {
      status: { conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), scheduled] },
    });
  }
}
