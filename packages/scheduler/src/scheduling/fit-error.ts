import type { Status } from '../framework/status.js';

/**
 * No node fits the pod. Its message is kube-scheduler's: a histogram of
 * the reasons nodes gave, sorted, e.g.
 * `0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu.`
 */
export class FitError extends Error {
  /** Plugins that rejected at least one node: only events they care about requeue the pod. */
  readonly unschedulablePlugins: ReadonlySet<string>;

  constructor(
    readonly numAllNodes: number,
    /** Each rejected node's status. */
    readonly nodeStatuses: ReadonlyMap<string, Status>,
    /** Set when PreFilter rejected the pod for every node. */
    readonly preFilterStatus?: Status,
  ) {
    super('');
    this.name = 'FitError';
    const plugins = new Set<string>();
    if (preFilterStatus?.plugin) plugins.add(preFilterStatus.plugin);
    for (const s of nodeStatuses.values()) if (s.plugin) plugins.add(s.plugin);
    this.unschedulablePlugins = plugins;
    this.message = this.format();
  }

  /** Appends what PostFilter (preemption) had to say to the message. */
  addPostFilterMessage(text: string): void {
    if (text) this.message = `${this.format()} ${text}`;
  }

  private format(): string {
    if (this.numAllNodes === 0) return 'no nodes available to schedule pods';
    let msg = `0/${this.numAllNodes} nodes are available:`;
    if (this.preFilterStatus) msg += ` ${this.preFilterStatus.message()}.`;
    else {
      const histogram = new Map<string, number>();
      for (const s of this.nodeStatuses.values()) {
        for (const r of s.reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
      }
      const parts = [...histogram].map(([r, n]) => `${n} ${r}`).sort();
      if (parts.length) msg += ` ${parts.join(', ')}.`;
    }
    return msg;
  }

  /** The distinct reasons nodes gave, sorted. */
  get reasons(): string[] {
    const all = new Set<string>();
    if (this.preFilterStatus) for (const r of this.preFilterStatus.reasons) all.add(r);
    for (const s of this.nodeStatuses.values()) for (const r of s.reasons) all.add(r);
    return [...all].sort();
  }
}
