import type { Clock, TimerHandle } from '@flotilla/core';
import type { PodInfo } from '../cache/pod-info.js';
import { Status } from './status.js';

/**
 * A pod held by Permit plugins that answered Wait. It is bound once every
 * waiting plugin allows it; it is rejected as soon as one plugin rejects it
 * or its timeout passes (on the Clock).
 */
export class WaitingPod {
  private readonly pending = new Map<string, TimerHandle>();
  private settle!: (s: Status) => void;
  /** Resolves with Success when allowed by all, Unschedulable when rejected or timed out. */
  readonly result: Promise<Status>;

  constructor(
    readonly podInfo: PodInfo,
    waits: ReadonlyMap<string, number>,
    clock: Clock,
  ) {
    this.result = new Promise((resolve) => {
      this.settle = resolve;
    });
    for (const [plugin, timeoutMs] of waits) {
      this.pending.set(
        plugin,
        clock.setTimeout(() => this.reject(plugin, `rejected due to timeout after waiting ${timeoutMs}ms`), timeoutMs),
      );
    }
  }

  /** Plugins still waiting. */
  get pendingPlugins(): string[] {
    return [...this.pending.keys()];
  }

  /** One plugin allows the pod; when none remains waiting, the pod goes on to bind. */
  allow(plugin: string): void {
    const t = this.pending.get(plugin);
    if (!t) return;
    t.cancel();
    this.pending.delete(plugin);
    if (this.pending.size === 0) this.settle(Status.success());
  }

  /** Rejects the pod: it is unreserved and requeued. */
  reject(plugin: string, message: string): void {
    for (const t of this.pending.values()) t.cancel();
    this.pending.clear();
    this.settle(Status.unschedulable(message).withPlugin(plugin));
  }
}
