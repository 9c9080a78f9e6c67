import type { Node, Pod } from '@flotilla/core';
import { KINDS } from '../api/resource-kinds.js';
import { podsToEvict } from '../model/drain-plan.js';
import { nodeLoads } from '../model/node-load.js';
import { formatBytes, formatCpu } from '../model/quantity.js';
import { askInDialog, notify } from '../ui/dialogs.js';
import { bar, h, replaceContent } from '../ui/dom.js';
import { actionButton, runAction } from './object-actions.js';
import { collectionNote, type View, type ViewContext } from './view-context.js';

const readyOf = (node: Node) => node.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';

/** Conditions that report trouble: every one but Ready that is not False, and Ready when it is not True. */
function troubles(node: Node): string[] {
  return (node.status?.conditions ?? [])
    .filter((c) => (c.type === 'Ready' ? c.status !== 'True' : c.status !== 'False'))
    .map((c) => `${c.type}=${c.status}`);
}

function phaseCounts(pods: Pod[]): string {
  const counts = new Map<string, number>();
  for (const p of pods) counts.set(p.status?.phase ?? 'Pending', (counts.get(p.status?.phase ?? 'Pending') ?? 0) + 1);
  return [...counts].map(([phase, n]) => `${n} ${phase}`).join(', ') || 'none';
}

/**
 * Cordons the node, then asks the server to evict each pod a drain takes
 * (see `podsToEvict`); each refusal (a PodDisruptionBudget's 429, a 403) is
 * shown as the server gave it, and the other evictions go on.
 */
async function drain(ctx: ViewContext, node: string, pods: Pod[]): Promise<void> {
  const victims = podsToEvict(node, pods);
  const ok = await askInDialog(
    `Drain node ${node}?`,
    [h('p', {}, `Cordon ${node} and evict its ${victims.length} pods (DaemonSet and mirror pods stay).`)],
    'Drain',
  );
  if (!ok) return;
  if (!(await runAction(`node ${node} cordoned`, () => ctx.actions.setUnschedulable(node, true, KINDS.Node)))) return;
  let evicted = 0;
  for (const p of victims) {
    const name = `${p.metadata.namespace}/${p.metadata.name}`;
    if (
      await runAction(`pod ${name} evicted`, () =>
        ctx.actions.evict(p.metadata.namespace ?? '', p.metadata.name, KINDS.Pod),
      )
    ) {
      evicted++;
    }
  }
  notify(
    evicted === victims.length ? 'ok' : 'refused',
    `node ${node} drained: ${evicted} of ${victims.length} pods evicted`,
  );
}

/** Nodes: capacity and allocatable, what pods request of them as bars, pods per node, conditions, taints; cordon. */
export const overviewView: View = {
  id: 'overview',
  title: 'Cluster',
  mount(container, ctx) {
    const nodes = ctx.collection<Node>('Node');
    const pods = ctx.collection<Pod>('Pod');
    return ctx.follow(['Node', 'Pod'], () => {
      const loads = nodeLoads(nodes.list(), pods.items.values());
      const byName = new Map(nodes.list().map((n) => [n.metadata.name, n]));
      const rows = loads.map((load) => {
        const node = byName.get(load.name)!;
        const cordoned = node.spec?.unschedulable === true;
        const target = { kind: KINDS.Node, name: load.name };
        const status = `${readyOf(node) === 'True' ? 'Ready' : 'NotReady'}${cordoned ? ',SchedulingDisabled' : ''}`;
        return h(
          'tr',
          { 'data-node': load.name },
          h('th', { scope: 'row' }, load.name),
          h('td', { class: readyOf(node) === 'True' ? 'good' : 'bad' }, status),
          h(
            'td',
            {},
            bar(
              `CPU requested on ${load.name}`,
              load.requested.cpu,
              load.allocatable.cpu,
              `${formatCpu(load.requested.cpu)} / ${formatCpu(load.allocatable.cpu)} (capacity ${formatCpu(load.capacity.cpu)})`,
            ),
          ),
          h(
            'td',
            {},
            bar(
              `Memory requested on ${load.name}`,
              load.requested.memory,
              load.allocatable.memory,
              `${formatBytes(load.requested.memory)} / ${formatBytes(load.allocatable.memory)} (capacity ${formatBytes(load.capacity.memory)})`,
            ),
          ),
          h(
            'td',
            {},
            bar(`Pods on ${load.name}`, load.pods, load.allocatable.pods, `${load.pods} / ${load.allocatable.pods}`),
          ),
          h('td', {}, troubles(node).join(', ') || 'healthy'),
          h(
            'td',
            {},
            (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', '),
          ),
          h(
            'td',
            { class: 'actions' },
            actionButton(cordoned ? 'Uncordon' : 'Cordon', target, () =>
              runAction(`node ${load.name} ${cordoned ? 'uncordoned' : 'cordoned'}`, () =>
                ctx.actions.setUnschedulable(load.name, !cordoned, KINDS.Node),
              ),
            ),
            actionButton('Drain', target, () => drain(ctx, load.name, pods.list())),
          ),
        );
      });
      const notes = [collectionNote('Nodes', nodes.state), collectionNote('Pods', pods.state)].filter(Boolean);
      replaceContent(
        container,
        notes.map((n) => h('p', { class: 'note' }, n)),
        h('p', { class: 'summary' }, `${loads.length} nodes; pods: ${phaseCounts(pods.list())}`),
        h(
          'table',
          { 'aria-label': 'Nodes' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                'Node',
                'Status',
                'CPU requested / allocatable',
                'Memory requested / allocatable',
                'Pods',
                'Conditions',
                'Taints',
                'Actions',
              ].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h('tbody', {}, rows),
        ),
      );
    });
  },
};
