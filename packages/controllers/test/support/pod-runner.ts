import { type Api, type Pod, toTimestamp } from '@flotilla/core';
import { targetNodeName } from '../../src/daemonset/daemon-pods.js';

/**
 * Plays the scheduler and node agent in controller tests: binds unbound
 * pods to a node (the one their node affinity pins them to, else the next
 * node in turn), marks them Running and Ready (or leaves them not ready),
 * and finishes the deletion of terminating pods, as the kubelet does after
 * containers stop.
 */
export class PodRunner {
  /** Pod names that must stay not ready until `setReady` says otherwise. */
  private readonly notReady = new Set<string>();

  constructor(
    private readonly api: Api,
    private readonly nodes: readonly string[] = ['node-1'],
  ) {}

  /** Keep (or stop keeping) a pod not ready. */
  setReady(podName: string, ready: boolean): void {
    if (ready) this.notReady.delete(podName);
    else this.notReady.add(podName);
  }

  /**
   * One pass over every pod: bind, run, flip readiness as configured, remove
   * terminating pods. Returns how many writes it made.
   */
  async runAll(namespace = 'default'): Promise<number> {
    const pods = this.api.resource('Pod');
    const { items } = await pods.list({ namespace });
    let writes = 0;
    let i = 0;
    for (const pod of items) {
      writes += await this.runOne(pod, this.nodes[i++ % this.nodes.length]);
    }
    return writes;
  }

  private async runOne(pod: Pod, node: string): Promise<number> {
    const pods = this.api.resource('Pod');
    const ns = pod.metadata.namespace ?? 'default';
    if (pod.metadata.deletionTimestamp) {
      await pods.delete(ns, pod.metadata.name, { gracePeriodSeconds: 0 }).catch(() => undefined);
      return 1;
    }
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    let current = pod;
    let writes = 0;
    if (!current.spec.nodeName) {
      // A pod pinned to a node by required node affinity (a DaemonSet pod) goes there, as the scheduler would place it.
      const target = targetNodeName(pod) ?? node;
      current = await this.api.bindPod({ namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid }, target);
      writes++;
    }
    const ready = !this.notReady.has(pod.metadata.name);
    const isReady = current.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    if (current.status?.phase === 'Running' && isReady === ready) return writes;
    await pods.patchStatus(ns, pod.metadata.name, { status: runningStatus(current, ready, this.api.clock.now()) });
    return writes + 1;
  }

  /** Ends a pod with a phase, as a finished container would (for Jobs). */
  async finish(namespace: string, name: string, phase: 'Succeeded' | 'Failed'): Promise<void> {
    const pods = this.api.resource('Pod');
    const exitCode = phase === 'Succeeded' ? 0 : 1;
    const now = toTimestamp(this.api.clock.now());
    await pods.patchStatus(namespace, name, {
      status: {
        phase,
        conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now }],
        containerStatuses: [
          {
            name: 'c',
            ready: false,
            restartCount: 0,
            image: 'x',
            state: { terminated: { exitCode, finishedAt: now } },
          },
        ],
      },
    });
  }
}

function runningStatus(pod: Pod, ready: boolean, now: number): Pod['status'] {
  const ts = toTimestamp(now);
  return {
    phase: 'Running',
    startTime: pod.status?.startTime ?? ts,
    conditions: [
      ...(pod.status?.conditions ?? []).filter((c) => c.type !== 'Ready'),
      { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: ts },
    ],
    containerStatuses: pod.spec.containers.map((c) => ({
      name: c.name,
      ready,
      restartCount: 0,
      image: c.image,
      state: { running: { startedAt: ts } },
    })),
  };
}
