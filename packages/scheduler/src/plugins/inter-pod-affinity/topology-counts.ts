import type { CloneableState } from '../../framework/cycle-state.js';

/** Counts keyed by a topology pair (`key`, `value`) of a node label. */
export class TopologyCounts implements CloneableState {
  private readonly counts = new Map<string, number>();

  private static pair(key: string, value: string): string {
    return `${key}\u0000${value}`;
  }

  add(key: string, value: string, delta: number): void {
    const p = TopologyCounts.pair(key, value);
    const v = (this.counts.get(p) ?? 0) + delta;
    if (v === 0) this.counts.delete(p);
    else this.counts.set(p, v);
  }

  get(key: string, value: string): number {
    return this.counts.get(TopologyCounts.pair(key, value)) ?? 0;
  }

  get size(): number {
    return this.counts.size;
  }

  clone(): TopologyCounts {
    const c = new TopologyCounts();
    for (const [k, v] of this.counts) c.counts.set(k, v);
    return c;
  }
}
