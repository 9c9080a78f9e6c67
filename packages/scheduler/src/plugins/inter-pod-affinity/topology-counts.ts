import type { CloneableState } from '../../framework/cycle-state.js';

/** Counts keyed by a topology pair (`key`, `value`) of a node label. */
export class TopologyCounts implements CloneableState {
  private readonly counts = new Map<string, Map<string, number>>();

  add(key: string, value: string, delta: number): void {
    let byValue = this.counts.get(key);
    if (!byValue) {
      byValue = new Map();
      this.counts.set(key, byValue);
    }
    const v = (byValue.get(value) ?? 0) + delta;
    if (v !== 0) byValue.set(value, v);
    else {
      byValue.delete(value);
      if (byValue.size === 0) this.counts.delete(key);
    }
  }

  get(key: string, value: string): number {
    return this.counts.get(key)?.get(value) ?? 0;
  }

  /** True when no pair has a count. */
  get empty(): boolean {
    return this.counts.size === 0;
  }

  /** The topology keys with at least one counted pair. */
  keys(): IterableIterator<string> {
    return this.counts.keys();
  }

  clone(): TopologyCounts {
    const c = new TopologyCounts();
    for (const [k, byValue] of this.counts) c.counts.set(k, new Map(byValue));
    return c;
  }
}
