import { cpus } from 'node:os';

/** One row of a benchmark's human-readable table. */
export interface BenchRow {
  figure: string;
  value: number;
  unit: string;
  target?: string;
}

/** Latency percentile (0..100) of a list of samples in milliseconds. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

/** Rounds for display and for the JSON line (3 significant decimals is enough for every figure here). */
function round(n: number): number {
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000;
}

/**
 * Prints the table, then the one-line JSON summary that scripts compare
 * across runs. Call once, at the end of a benchmark.
 */
export function report(bench: string, rows: BenchRow[]): void {
  const width = Math.max(...rows.map((r) => r.figure.length), 6);
  console.log(`\n${'figure'.padEnd(width)}  ${'value'.padStart(12)}  unit        target`);
  for (const r of rows) {
    console.log(
      `${r.figure.padEnd(width)}  ${String(round(r.value)).padStart(12)}  ${r.unit.padEnd(10)}  ${r.target ?? ''}`,
    );
  }
  const figures = Object.fromEntries(rows.map((r) => [r.figure, round(r.value)]));
  console.log(JSON.stringify({ bench, figures, machine: `${cpus().length} cores, node ${process.version}` }));
}
