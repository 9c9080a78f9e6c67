import type { Node } from '@flotilla/core';
import { ApiRefusal } from '../api/api-client.js';
import { KINDS, resourcePath } from '../api/resource-kinds.js';
import { formatBytes, formatCpu } from '../model/quantity.js';
import {
  chartSeries,
  cpuCores,
  historyFromSummary,
  memoryBytes,
  niceBytesCeiling,
  type StatsSummary,
  type UsageHistory,
  type UsageSample,
} from '../model/usage-series.js';
import { h, replaceContent } from '../ui/dom.js';
import { CHART_HEIGHT, CHART_WIDTH, lineChart } from '../ui/line-chart.js';
import { collectionNote, type View, type ViewContext } from './view-context.js';

/**
 * How often the open view re-reads the usage history. The history is not a
 * resource the API can watch (kube-apiserver serves it only through the
 * node proxy, as `kubectl top` reads metrics): this one view reads it again
 * on a timer, and only while it is shown. The agents sample every 15 s by
 * default, so reading more often shows nothing new.
 */
const REFRESH_MS = 10_000;

/** What one node's history read gave: its samples, or the server's refusal. */
type NodeReading = { history: UsageHistory } | { refused: string };

/**
 * `GET nodes/<name>/proxy/stats/summary?history=true`: the agent's summary
 * with its usage history (Flotilla's agent), or (a kubelet, which keeps
 * none) this read's usage added to what the page read before.
 */
async function readHistory(ctx: ViewContext, node: string, previous: NodeReading | undefined): Promise<NodeReading> {
  try {
    const summary = await ctx.client.request<StatsSummary>(
      'GET',
      `${resourcePath(KINDS.Node, undefined, node, 'proxy')}/stats/summary?history=true`,
    );
    const before = previous && 'history' in previous ? previous.history : undefined;
    return { history: historyFromSummary(summary, before, Date.now()) };
  } catch (err) {
    return { refused: err instanceof ApiRefusal ? err.describe() : String(err) };
  }
}

function charts(name: string, label: string, samples: UsageSample[], windowMs: number): HTMLElement[] {
  const window = windowMs || 15 * 60_000;
  return [
    lineChart(
      `CPU of ${label}`,
      chartSeries(samples, cpuCores, window, CHART_WIDTH, CHART_HEIGHT),
      formatCpu,
      `${name}/cpu`,
    ),
    lineChart(
      `Memory of ${label}`,
      chartSeries(samples, memoryBytes, window, CHART_WIDTH, CHART_HEIGHT, niceBytesCeiling),
      formatBytes,
      `${name}/memory`,
    ),
  ];
}

function nodeSection(node: string, reading: NodeReading | undefined): HTMLElement {
  if (!reading)
    return h('section', { 'aria-label': `Usage of node ${node}` }, h('h2', {}, node), h('p', {}, 'loading…'));
  if ('refused' in reading) {
    return h(
      'section',
      { 'aria-label': `Usage of node ${node}` },
      h('h2', {}, node),
      h('p', { class: 'note' }, reading.refused),
    );
  }
  const { history } = reading;
  const pods = Object.entries(history.pods).sort(([a], [b]) => a.localeCompare(b));
  return h(
    'section',
    { 'aria-label': `Usage of node ${node}`, 'data-node': node },
    h('h2', {}, `${node}`),
    h('div', { class: 'charts' }, charts(`node/${node}`, `node ${node}`, history.node, history.windowMs)),
    h(
      'table',
      { 'aria-label': `Pods on ${node}` },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Pod', 'CPU', 'Memory'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        pods.map(([pod, samples]) =>
          h(
            'tr',
            { 'data-pod': pod },
            h('th', { scope: 'row' }, pod),
            charts(`pod/${pod}`, `pod ${pod}`, samples, history.windowMs).map((c) => h('td', {}, c)),
          ),
        ),
      ),
    ),
  );
}

/**
 * CPU and memory over time, per node and per pod, from each node agent's
 * usage history (the window it keeps, 15 minutes by default), read through
 * the apiserver's node proxy with the viewer's credentials. Against
 * kubelets, which keep no history, the page charts the reads it made while
 * it was open.
 */
export const usageView: View = {
  id: 'usage',
  title: 'Usage',
  mount(container, ctx) {
    const nodes = ctx.collection<Node>('Node');
    const readings = new Map<string, NodeReading>();
    const refresh = h('button', { type: 'button', id: 'usage-refresh' }, 'Refresh');
    const body = h('div', {});
    const status = h('p', { class: 'summary', role: 'status' });
    let stopped = false;
    const render = () => {
      if (stopped) return;
      const names = nodes
        .list()
        .map((n) => n.metadata.name)
        .sort();
      status.textContent =
        collectionNote('Nodes', nodes.state) ?? `${names.length} nodes; read every ${REFRESH_MS / 1000} s`;
      replaceContent(
        body,
        names.map((n) => nodeSection(n, readings.get(n))),
      );
    };
    const readAll = async () => {
      const names = nodes.list().map((n) => n.metadata.name);
      await Promise.all(
        names.map(async (n) => {
          readings.set(n, await readHistory(ctx, n, readings.get(n)));
        }),
      );
      render();
    };
    refresh.addEventListener('click', () => void readAll());
    replaceContent(container, h('div', { class: 'filters' }, refresh), status, body);
    const timer = setInterval(() => void readAll(), REFRESH_MS);
    let firstRead = false;
    const unfollow = ctx.follow(['Node'], () => {
      render();
      if (!firstRead && nodes.state.phase === 'watching') {
        firstRead = true;
        void readAll();
      }
    });
    return () => {
      stopped = true;
      clearInterval(timer);
      unfollow();
    };
  },
};
