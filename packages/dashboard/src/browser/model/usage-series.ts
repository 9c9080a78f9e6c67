/** One CPU and memory reading of the node agent's usage history (`/stats/summary?history=true`). */
export interface UsageSample {
  /** ms since the epoch. */
  time: number;
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
}

/** A node's usage history: its own series and one per pod (`namespace/name`). */
export interface UsageHistory {
  windowMs: number;
  node: UsageSample[];
  pods: Record<string, UsageSample[]>;
}

/** What a chart draws: its points in the chart's own units, and the range it spans. */
export interface ChartSeries {
  /** [x, y] in a 0..width, 0..height box, y growing downward as SVG has it; oldest first. */
  points: [number, number][];
  /** The largest value drawn (the top of the chart). */
  max: number;
  /** The newest value, for the chart's label. */
  latest: number;
  /** The time the chart spans, in ms: from its oldest sample to its newest, at most the window. */
  spanMs: number;
}

/** Rounds up to 1, 2 or 5 times a power of ten, so the chart's top is a readable number. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/** Rounds bytes up to 1, 2 or 5 times a power of ten of the binary unit they read in: 64Mi tops at 100Mi. */
export function niceBytesCeiling(bytes: number): number {
  if (!(bytes > 0)) return 1;
  const unit = 1024 ** Math.max(0, Math.floor(Math.log(bytes) / Math.log(1024)));
  return niceCeiling(bytes / unit) * unit;
}

/**
 * Places `samples` in a `width` by `height` box: time across the span from
 * the oldest sample to the newest (at most `windowMs`, so a young history
 * fills the chart instead of a sliver at its edge), `value` up from zero to
 * a readable `ceiling` over the largest value.
 */
export function chartSeries(
  samples: UsageSample[],
  value: (s: UsageSample) => number,
  windowMs: number,
  width: number,
  height: number,
  ceiling: (max: number) => number = niceCeiling,
): ChartSeries {
  const sorted = [...samples].sort((a, b) => a.time - b.time);
  const end = sorted.at(-1)?.time ?? 0;
  const spanMs = Math.min(windowMs, end - (sorted[0]?.time ?? end));
  const max = ceiling(Math.max(0, ...sorted.map(value)));
  const points = sorted.map((s): [number, number] => {
    const x = spanMs > 0 ? width - ((end - s.time) / spanMs) * width : width;
    const y = height - (value(s) / max) * height;
    return [Math.round(Math.max(0, x) * 10) / 10, Math.round(y * 10) / 10];
  });
  return { points, max, latest: sorted.length ? value(sorted[sorted.length - 1]) : 0, spanMs };
}

/** CPU of a sample in cores. */
export const cpuCores = (s: UsageSample) => s.cpuNanoCores / 1e9;
/** Memory of a sample in bytes. */
export const memoryBytes = (s: UsageSample) => s.memoryWorkingSetBytes;

/** The parts of the kubelet's `/stats/summary` (`stats/v1alpha1`) a chart reads. */
export interface StatsSummary {
  node?: { cpu?: UsageReading; memory?: MemoryReading };
  pods?: { podRef: { namespace: string; name: string }; cpu?: UsageReading; memory?: MemoryReading }[];
  /** Flotilla's node agent only (`?history=true`): its samples over its window. */
  history?: UsageHistory;
}

interface UsageReading {
  time?: string;
  usageNanoCores?: number;
}

interface MemoryReading {
  workingSetBytes?: number;
}

/** The window the page keeps of its own when the agent keeps none: the agent's default, 15 minutes. */
export const PAGE_WINDOW_MS = 15 * 60_000;

function appendSample(series: UsageSample[], sample: UsageSample, windowMs: number): UsageSample[] {
  const last = series[series.length - 1];
  const kept = last?.time === sample.time ? series.slice(0, -1) : series;
  return [...kept, sample].filter((s) => s.time > sample.time - windowMs);
}

/**
 * The usage history to chart from one `/stats/summary` read: the agent's
 * own history when it keeps one (Flotilla's agent, `?history=true`), else
 * (a kubelet, which has none) `previous` with this read's current usage
 * appended, older samples past the window dropped, pods no longer in the
 * summary forgotten. `now` times a read whose summary carries no time.
 */
export function historyFromSummary(
  summary: StatsSummary,
  previous: UsageHistory | undefined,
  now: number,
): UsageHistory {
  if (summary.history) return summary.history;
  const windowMs = previous?.windowMs || PAGE_WINDOW_MS;
  const sampleOf = (cpu?: UsageReading, memory?: MemoryReading): UsageSample => ({
    time: cpu?.time ? Date.parse(cpu.time) : now,
    cpuNanoCores: cpu?.usageNanoCores ?? 0,
    memoryWorkingSetBytes: memory?.workingSetBytes ?? 0,
  });
  const pods: Record<string, UsageSample[]> = {};
  for (const p of summary.pods ?? []) {
    const key = `${p.podRef.namespace}/${p.podRef.name}`;
    pods[key] = appendSample(previous?.pods[key] ?? [], sampleOf(p.cpu, p.memory), windowMs);
  }
  const node = appendSample(previous?.node ?? [], sampleOf(summary.node?.cpu, summary.node?.memory), windowMs);
  return { windowMs, node, pods };
}
