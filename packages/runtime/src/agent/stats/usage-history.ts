import { UsageRing } from './usage-ring.js';

/** One CPU and memory reading. */
export interface UsageSample {
  /** Clock time of the reading, ms since the epoch. */
  time: number;
  /** CPU in use at that moment, in billionths of a core. */
  cpuNanoCores: number;
  /** Memory working set in bytes. */
  memoryWorkingSetBytes: number;
}

/** Options for `UsageHistory`. */
export interface UsageHistoryOptions {
  /** How far back samples are kept. Default 15 minutes. */
  windowMs?: number;
  /** The sampling interval: with the window, it sizes each series' ring buffer. Default 15 s. */
  intervalMs?: number;
}

/** A node's usage history: its own series and one per pod (`namespace/name`). */
export interface UsageHistorySnapshot {
  windowMs: number;
  node: UsageSample[];
  pods: Record<string, UsageSample[]>;
}

/**
 * Per-node and per-pod usage samples over a sliding window, each series a
 * typed ring of at most `windowMs / intervalMs` (+1) samples, so the
 * history's memory is bounded by the number of pods whatever the uptime. Series of pods that
 * are gone are dropped with `forgetPod`.
 */
export class UsageHistory {
  /** How far back samples are kept, in ms. */
  readonly windowMs: number;
  private readonly capacity: number;
  private readonly node: UsageRing;
  private readonly pods = new Map<string, UsageRing>();

  constructor(options: UsageHistoryOptions = {}) {
    this.windowMs = options.windowMs ?? 15 * 60_000;
    const intervalMs = options.intervalMs ?? 15_000;
    if (!(this.windowMs > 0) || !(intervalMs > 0)) {
      throw new RangeError(
        `usage history: windowMs and intervalMs must be positive (got ${this.windowMs}, ${intervalMs})`,
      );
    }
    this.capacity = Math.ceil(this.windowMs / intervalMs) + 1;
    this.node = new UsageRing(this.capacity);
  }

  /** Records the node's usage. */
  recordNode(sample: UsageSample): void {
    this.node.push(sample);
  }

  /** Records one pod's usage. */
  recordPod(namespace: string, name: string, sample: UsageSample): void {
    const key = `${namespace}/${name}`;
    let series = this.pods.get(key);
    if (!series) {
      series = new UsageRing(this.capacity);
      this.pods.set(key, series);
    }
    series.push(sample);
  }

  /** Drops a pod's series (the pod left the node). */
  forgetPod(namespace: string, name: string): void {
    this.pods.delete(`${namespace}/${name}`);
  }

  /** The samples within the window ending at `now`, oldest first. */
  snapshot(now: number): UsageHistorySnapshot {
    const recent = (series: UsageRing) => series.toArray().filter((s) => s.time > now - this.windowMs);
    const pods: Record<string, UsageSample[]> = {};
    for (const [key, series] of this.pods) pods[key] = recent(series);
    return { windowMs: this.windowMs, node: recent(this.node), pods };
  }
}
