import type { Api, Informer, Pod } from '@flotilla/core';

/**
 * Stands in for the node agents: every pod the informer shows without a
 * Ready condition is marked Running and Ready, so that a rolling update can
 * proceed without nodes or containers. Refused writes (a stale pod, a member
 * down) are retried on the pod's next event or the next sweep.
 */
export class FakeKubelet {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly api: Api,
    private readonly pods: Informer<Pod>,
  ) {}

  start(): void {
    const sweep = () => {
      for (const pod of this.pods.cache.list()) if (!isReady(pod)) void this.markReady(pod);
      this.timer = setTimeout(sweep, 250);
    };
    sweep();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private async markReady(pod: Readonly<Pod>): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    try {
      await this.api.resource('Pod').updateStatus({
        ...pod,
        status: {
          ...pod.status,
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
        },
      } as Pod);
    } catch {
      // The next sweep tries again from the informer's newer copy.
    }
  }
}

function isReady(pod: Readonly<Pod>): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
