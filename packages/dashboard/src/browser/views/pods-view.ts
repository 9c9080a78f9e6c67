import type { Pod } from '@flotilla/core';
import { KINDS } from '../api/resource-kinds.js';
import { podStatus, readiness, restarts } from '../model/pod-columns.js';
import { age, h, replaceContent } from '../ui/dom.js';
import { VirtualRows } from '../ui/virtual-rows.js';
import { actionButton } from './object-actions.js';
import { podActions } from './pod-actions.js';
import { collectionNote, type View } from './view-context.js';

const COLUMNS = ['Namespace', 'Name', 'Status', 'Ready', 'Restarts', 'Node', 'IP', 'Age', 'Actions'];

/** Every pod in a virtualised table (thousands stay smooth), filtered by a text box. */
export const podsView: View = {
  id: 'pods',
  title: 'Pods',
  mount(container, ctx) {
    const pods = ctx.collection<Pod>('Pod');
    let shown: Pod[] = [];
    const table = new VirtualRows({
      label: 'Pods',
      columns: COLUMNS,
      template: '1fr 2fr 0.9fr 0.5fr 0.6fr 1fr 1fr 0.5fr 2.4fr',
      rowHeight: 32,
      cells: (i) => {
        const p = shown[i];
        const t = { kind: KINDS.Pod, namespace: p.metadata.namespace, name: p.metadata.name };
        return [
          p.metadata.namespace ?? '',
          p.metadata.name,
          podStatus(p),
          readiness(p),
          String(restarts(p)),
          p.spec?.nodeName ?? '',
          p.status?.podIP ?? '',
          age(p.metadata.creationTimestamp),
          h(
            'div',
            { class: 'actions' },
            podActions.map((a) => actionButton(a.label, t, () => a.run(ctx, t, p))),
          ),
        ];
      },
    });
    const count = h('p', { class: 'summary', role: 'status' });
    const note = h('p', { class: 'note' });
    const filter = h('input', { type: 'search', id: 'pod-filter', placeholder: 'namespace, name, node or status' });
    let render = () => {};
    filter.addEventListener('input', () => render());
    replaceContent(
      container,
      h('label', { for: 'pod-filter', class: 'filter' }, 'Filter pods ', filter),
      count,
      note,
      table.element,
    );
    render = () => {
      const words = filter.value.trim().toLowerCase();
      const all = pods.list();
      shown = all
        .filter((p) =>
          !words
            ? true
            : `${p.metadata.namespace} ${p.metadata.name} ${p.spec?.nodeName ?? ''} ${podStatus(p)}`
                .toLowerCase()
                .includes(words),
        )
        .sort((a, b) =>
          a.metadata.namespace === b.metadata.namespace
            ? a.metadata.name.localeCompare(b.metadata.name)
            : (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? ''),
        );
      count.textContent = `${shown.length} of ${all.length} pods`;
      note.textContent = collectionNote('Pods', pods.state) ?? '';
      table.update(shown.length);
    };
    return ctx.follow(['Pod'], () => render());
  },
};
