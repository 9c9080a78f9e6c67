import type { CronJob, KubeObject } from '@flotilla/core';
import { KINDS, type KindName } from '../api/resource-kinds.js';
import { workloadProgress } from '../model/workload-progress.js';
import { age, bar, h, replaceContent } from '../ui/dom.js';
import { actionButton, deleteWithDialog, editYaml, runAction, scaleWithDialog } from './object-actions.js';
import { undoWithDialog } from './rollout-undo-action.js';
import { collectionNote, type View, type ViewContext } from './view-context.js';

const WORKLOAD_KINDS = ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob'] as const;
const SCALABLE = new Set<string>(['Deployment', 'ReplicaSet', 'StatefulSet']);
const RESTARTABLE = new Set<string>(['Deployment', 'DaemonSet', 'StatefulSet']);

const byNamespacedName = (a: KubeObject, b: KubeObject) =>
  `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);

function progressCell(kindName: KindName, obj: KubeObject): HTMLElement {
  if (kindName === 'CronJob') {
    const c = obj as CronJob;
    const last = c.status?.lastScheduleTime ? `last ${age(c.status.lastScheduleTime)} ago` : 'never scheduled';
    return h(
      'span',
      {},
      `${c.spec.schedule}${c.spec.suspend ? ' (suspended)' : ''}; ${c.status?.active?.length ?? 0} active; ${last}`,
    );
  }
  const p = workloadProgress(kindName, obj as Parameters<typeof workloadProgress>[1])!;
  const name = `${kindName} ${obj.metadata.namespace}/${obj.metadata.name}`;
  return h(
    'div',
    { class: p.complete ? 'progress complete' : 'progress' },
    bar(`Rollout progress of ${name}`, p.done, p.desired, p.summary),
  );
}

function actionsCell(ctx: ViewContext, kindName: KindName, obj: KubeObject): HTMLElement {
  const t = { kind: KINDS[kindName], namespace: obj.metadata.namespace, name: obj.metadata.name };
  const replicas = (obj as { spec?: { replicas?: number } }).spec?.replicas ?? 1;
  return h(
    'div',
    { class: 'actions' },
    SCALABLE.has(kindName) && actionButton('Scale', t, () => scaleWithDialog(ctx, t, replicas)),
    RESTARTABLE.has(kindName) &&
      actionButton('Restart', t, () =>
        runAction(`${kindName} ${t.namespace}/${t.name} restarted`, () => ctx.actions.restart(t)),
      ),
    kindName === 'Deployment' && actionButton('Undo', t, () => undoWithDialog(ctx, t)),
    actionButton('YAML', t, () => editYaml(ctx, t)),
    actionButton('Delete', t, () => deleteWithDialog(ctx, t)),
  );
}

function workloadTable(ctx: ViewContext, kindName: KindName): HTMLElement {
  const collection = ctx.collection(kindName);
  const objs = collection.list().sort(byNamespacedName);
  const note = collectionNote(`${kindName}s`, collection.state);
  const columns = ['Namespace', 'Name', kindName === 'CronJob' ? 'Schedule' : 'Progress', 'Age', 'Actions'];
  return h(
    'section',
    { 'aria-label': `${kindName}s` },
    h('p', { class: 'summary', role: 'status' }, `${objs.length} ${kindName}s`),
    note && h('p', { class: 'note' }, note),
    h(
      'table',
      { 'aria-label': `${kindName}s` },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        objs.map((o) =>
          h(
            'tr',
            { 'data-object': `${kindName}/${o.metadata.namespace}/${o.metadata.name}` },
            h('td', {}, o.metadata.namespace ?? ''),
            h('th', { scope: 'row' }, o.metadata.name),
            h('td', {}, progressCell(kindName, o)),
            h('td', {}, age(o.metadata.creationTimestamp)),
            h('td', {}, actionsCell(ctx, kindName, o)),
          ),
        ),
      ),
    ),
  );
}

/** The kind shown last, kept while the page lives so coming back shows it again. */
let shownKind: (typeof WORKLOAD_KINDS)[number] = 'Deployment';

/**
 * Deployments, ReplicaSets, DaemonSets, StatefulSets, Jobs and CronJobs with
 * their rollout progress; scale, restart, YAML, delete. One kind at a time,
 * chosen by tabs: one watch open instead of six.
 */
export const workloadsView: View = {
  id: 'workloads',
  title: 'Workloads',
  mount(container, ctx) {
    const body = h('div', { id: 'workload-panel', role: 'tabpanel' });
    let unfollow = () => {};
    const tabs = WORKLOAD_KINDS.map((kindName) =>
      h(
        'button',
        { type: 'button', role: 'tab', 'data-kind': kindName, 'aria-controls': 'workload-panel' },
        `${kindName}s`,
      ),
    );
    const show = (kindName: (typeof WORKLOAD_KINDS)[number]) => {
      shownKind = kindName;
      for (const tab of tabs) {
        const selected = tab.dataset.kind === kindName;
        tab.setAttribute('aria-selected', String(selected));
        tab.tabIndex = selected ? 0 : -1;
      }
      body.setAttribute('aria-label', `${kindName}s`);
      unfollow();
      unfollow = ctx.follow([kindName], () => replaceContent(body, workloadTable(ctx, kindName)));
    };
    tabs.forEach((tab, i) => {
      tab.addEventListener('click', () => show(WORKLOAD_KINDS[i]));
      // Arrow keys move between tabs, as the ARIA tabs pattern has it.
      tab.addEventListener('keydown', (e) => {
        const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
        if (!step) return;
        const next = (i + step + tabs.length) % tabs.length;
        show(WORKLOAD_KINDS[next]);
        tabs[next].focus();
      });
    });
    replaceContent(container, h('div', { role: 'tablist', 'aria-label': 'Workload kinds', class: 'tabs' }, tabs), body);
    show(shownKind);
    return () => unfollow();
  },
};
