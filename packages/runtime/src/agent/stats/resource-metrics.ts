import type { StatsSummary } from './stats-summary.js';

type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: { labels: Labels; value: number; time?: string }[];
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function render(families: Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      out.push(`${f.name}${labels ? `{${labels}}` : ''} ${s.value}${s.time ? ` ${Date.parse(s.time)}` : ''}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * The kubelet's `/metrics/resource` in the Prometheus text format (0.0.4),
 * with its metric names: `node_*`, `pod_*` and `container_*` CPU seconds
 * (counters) and working-set bytes (gauges), each sample stamped with the
 * time of its reading, and `scrape_error` 0.
 */
export function resourceMetricsText(summary: StatsSummary): string {
  const seconds = (coreNanoSeconds: number) => coreNanoSeconds / 1e9;
  const podLabels = (p: StatsSummary['pods'][number]) => ({ namespace: p.podRef.namespace, pod: p.podRef.name });
  const containers = summary.pods.flatMap((p) =>
    p.containers.map((c) => ({ c, labels: { container: c.name, ...podLabels(p) } })),
  );
  return render([
    {
      name: 'container_cpu_usage_seconds_total',
      help: '[STABLE] Cumulative cpu time consumed by the container in core-seconds',
      type: 'counter',
      samples: containers.map(({ c, labels }) => ({
        labels,
        value: seconds(c.cpu.usageCoreNanoSeconds),
        time: c.cpu.time,
      })),
    },
    {
      name: 'container_memory_working_set_bytes',
      help: '[STABLE] Current working set of the container in bytes',
      type: 'gauge',
      samples: containers.map(({ c, labels }) => ({ labels, value: c.memory.workingSetBytes, time: c.memory.time })),
    },
    {
      name: 'container_start_time_seconds',
      help: '[STABLE] Start time of the container since unix epoch in seconds',
      type: 'gauge',
      samples: containers.map(({ c, labels }) => ({ labels, value: Date.parse(c.startTime) / 1000, time: c.cpu.time })),
    },
    {
      name: 'node_cpu_usage_seconds_total',
      help: '[STABLE] Cumulative cpu time consumed by the node in core-seconds',
      type: 'counter',
      samples: [{ labels: {}, value: seconds(summary.node.cpu.usageCoreNanoSeconds), time: summary.node.cpu.time }],
    },
    {
      name: 'node_memory_working_set_bytes',
      help: '[STABLE] Current working set of the node in bytes',
      type: 'gauge',
      samples: [{ labels: {}, value: summary.node.memory.workingSetBytes, time: summary.node.memory.time }],
    },
    {
      name: 'pod_cpu_usage_seconds_total',
      help: '[STABLE] Cumulative cpu time consumed by the pod in core-seconds',
      type: 'counter',
      samples: summary.pods.map((p) => ({
        labels: podLabels(p),
        value: seconds(p.cpu.usageCoreNanoSeconds),
        time: p.cpu.time,
      })),
    },
    {
      name: 'pod_memory_working_set_bytes',
      help: '[STABLE] Current working set of the pod in bytes',
      type: 'gauge',
      samples: summary.pods.map((p) => ({
        labels: podLabels(p),
        value: p.memory.workingSetBytes,
        time: p.memory.time,
      })),
    },
    {
      name: 'scrape_error',
      help: '[STABLE] 1 if there was an error while getting container metrics, 0 otherwise',
      type: 'gauge',
      samples: [{ labels: {}, value: 0 }],
    },
  ]);
}
