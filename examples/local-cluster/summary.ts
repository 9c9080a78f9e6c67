import type { InformerFactory, Pod } from '@flotilla/core';
import type { DemoStats, StepResult } from './demo/step.js';
import type { Styles } from './display/render.js';

/** Counts taken at the end of the demo. */
export interface SummaryFacts {
  results: readonly StepResult[];
  stats: DemoStats;
  totalMs: number;
  nodes: number;
  controllers: readonly string[];
  /** Pods ever created during the run. */
  podsCreated: number;
  informers: InformerFactory;
}

/** The closing summary: each step with its time and result, then the totals. The first line is always `SUMMARY`. */
export function renderSummary(f: SummaryFacts, st: Styles): string[] {
  const pods = f.informers.for<Pod>('Pod').cache.list();
  const running = pods.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp).length;
  const events = f.informers.for('Event').cache.list().length;
  const count = (o: StepResult['outcome']) => f.results.filter((r) => r.outcome === o).length;
  const lines = ['', st.bold('SUMMARY')];
  for (const r of f.results) {
    const mark =
      r.outcome === 'ok' ? st.green('ok     ') : r.outcome === 'failed' ? st.red('FAILED ') : st.yellow('skipped');
    lines.push(`  ${mark} ${(r.ms / 1000).toFixed(1).padStart(5)} s  ${r.title}: ${r.detail}`);
  }
  lines.push(
    `  steps: ${count('ok')} ok, ${count('failed')} failed, ${count('skipped')} skipped, in ${(f.totalMs / 1000).toFixed(1)} s`,
    `  cluster: ${f.nodes} nodes, ${f.controllers.length} controllers (${f.controllers.join(', ')})`,
    `  pods: ${f.podsCreated} created, ${running} running now; ${events} events recorded`,
    `  service requests through the proxy: ${f.stats.requestsOk} answered, ${f.stats.requestsFailed} failed`,
  );
  return lines;
}
