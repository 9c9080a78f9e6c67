/** Reconciles per controller from the Manager's `controller_runtime_reconcile_total`, summed over results. */
import type { Registry } from 'prom-client';

/** Reconcile counts by controller name, the controllers that never ran left out. */
export async function reconcilesByController(metrics: Registry): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const v of (await metrics.getSingleMetric('controller_runtime_reconcile_total')?.get())?.values ?? []) {
    const name = String(v.labels.controller);
    if (v.value > 0) out.set(name, (out.get(name) ?? 0) + v.value);
  }
  return out;
}

/** One line: each controller's reconciles in total and per pod. */
export function printReconcilesPerPod(reconciles: Map<string, number>, pods: number): void {
  console.log(
    `reconciles (per pod): ${[...reconciles]
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} ${n} (${(n / pods).toFixed(3)})`)
      .join(', ')}`,
  );
}
