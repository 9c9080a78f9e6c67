/**
 * Kubernetes' SLO probes, in process: every `periodMs` one ConfigMap update
 * through the Api (mutating call latency, as a client sees it: Api work plus
 * waiting for the event loop), and the delay from each Pod write in the store
 * to its event in the pod informer (watch delivery).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Api, Pod, SharedInformer } from '@flotilla/core';
import { type BenchRow, percentile } from '../report.js';
import type { CountingMemoryStore } from './write-floor.js';

/** Latency samples in milliseconds, and how many probe writes failed. */
export interface ProbeResults {
  mutatingMs: number[];
  /** The same calls timed from when they were due: the event loop's delay plus the call. */
  mutatingWithWaitMs: number[];
  watchDeliveryMs: number[];
  failures: number;
  /** p99 of the event loop's delay (perf_hooks), which every caller waits out before its call even starts. */
  eventLoopDelayP99Ms: number;
}

/** Starts both probes; `stop()` ends them and returns the samples. */
export async function startLatencyProbe(
  api: Api,
  store: CountingMemoryStore,
  pods: SharedInformer<Pod>,
  periodMs = 100,
): Promise<{ stop(): ProbeResults }> {
  const results: ProbeResults = {
    mutatingMs: [],
    mutatingWithWaitMs: [],
    watchDeliveryMs: store.deliveryMs,
    failures: 0,
    eventLoopDelayP99Ms: 0,
  };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const sub = pods.events$.subscribe((e) => {
    if (e.object.metadata.resourceVersion) store.delivered(e.object.metadata.resourceVersion);
  });
  const maps = api.resource('ConfigMap');
  let probe = await maps.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'slo-probe', namespace: 'default' },
    data: { n: '0' },
  });
  let n = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // A chain of timeouts, each timed from when it was due: a client's call waits out the event loop first.
  const tick = async (due: number) => {
    const t0 = performance.now();
    try {
      probe = await maps.update({ ...probe, data: { n: String(++n) } });
      const call = performance.now() - t0;
      results.mutatingMs.push(call);
      results.mutatingWithWaitMs.push(call + Math.max(0, t0 - due));
    } catch {
      results.failures++;
      probe = await maps.get('default', 'slo-probe');
    }
    if (stopped) return;
    const next = Math.max(performance.now(), due + periodMs);
    timer = setTimeout(() => void tick(next), next - performance.now());
  };
  timer = setTimeout(() => void tick(performance.now() + periodMs), periodMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      sub.unsubscribe();
      loop.disable();
      results.eventLoopDelayP99Ms = loop.percentile(99) / 1e6;
      return results;
    },
  };
}

/** The report rows of a probe run: p99 against Kubernetes' SLOs, the maximum and the sample counts. */
export function probeRows(prefix: string, r: ProbeResults): BenchRow[] {
  const max = (s: number[]) => s.reduce((a, b) => Math.max(a, b), 0);
  return [
    { figure: `${prefix}.mutatingP99Ms`, value: percentile(r.mutatingMs, 99), unit: 'ms' },
    { figure: `${prefix}.mutatingMaxMs`, value: max(r.mutatingMs), unit: 'ms' },
    {
      figure: `${prefix}.mutatingWithLoopWaitP99Ms`,
      value: percentile(r.mutatingWithWaitMs, 99),
      unit: 'ms',
      target: '<= 1000',
    },
    { figure: `${prefix}.mutatingWithLoopWaitMaxMs`, value: max(r.mutatingWithWaitMs), unit: 'ms' },
    { figure: `${prefix}.mutatingSamples`, value: r.mutatingMs.length, unit: 'writes' },
    { figure: `${prefix}.mutatingFailures`, value: r.failures, unit: 'writes', target: '0' },
    { figure: `${prefix}.eventLoopDelayP99Ms`, value: r.eventLoopDelayP99Ms, unit: 'ms' },
    { figure: `${prefix}.watchDeliveryP99Ms`, value: percentile(r.watchDeliveryMs, 99), unit: 'ms', target: '<= 5000' },
    { figure: `${prefix}.watchDeliveryMaxMs`, value: max(r.watchDeliveryMs), unit: 'ms' },
    { figure: `${prefix}.watchDeliverySamples`, value: r.watchDeliveryMs.length, unit: 'events' },
  ];
}
