import type { Event } from '@flotilla/core';
import { type EventFilter, filterEvents, lastSeen } from '../model/event-filter.js';
import { age, h, replaceContent } from '../ui/dom.js';
import { collectionNote, type View } from './view-context.js';

/** The newest events drawn; the count says how many match. */
const MAX_ROWS = 500;

/** Events as a live stream, newest first, filtered by namespace, type and text. */
export const eventsView: View = {
  id: 'events',
  title: 'Events',
  mount(container, ctx) {
    const events = ctx.collection<Event>('Event');
    const namespace = h('input', { id: 'event-namespace', type: 'search', placeholder: 'all' });
    const type = h(
      'select',
      { id: 'event-type' },
      h('option', { value: '' }, 'All'),
      h('option', { value: 'Normal' }, 'Normal'),
      h('option', { value: 'Warning' }, 'Warning'),
    );
    const text = h('input', { id: 'event-text', type: 'search', placeholder: 'reason, object or message' });
    const body = h('tbody', {});
    const count = h('p', { class: 'summary', role: 'status' });
    const note = h('p', { class: 'note' });
    const render = () => {
      const all = events.list();
      const shown = filterEvents(all, {
        namespace: namespace.value.trim(),
        type: type.value as EventFilter['type'],
        text: text.value,
      });
      count.textContent = `${shown.length} of ${all.length} events${shown.length > MAX_ROWS ? `; the newest ${MAX_ROWS} shown` : ''}`;
      note.textContent = collectionNote('Events', events.state) ?? '';
      replaceContent(
        body,
        shown
          .slice(0, MAX_ROWS)
          .map((e) =>
            h(
              'tr',
              { class: e.type === 'Warning' ? 'warning' : '' },
              h('td', {}, age(lastSeen(e))),
              h('td', {}, e.type ?? 'Normal'),
              h('td', {}, e.reason ?? ''),
              h('td', {}, `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`),
              h('td', {}, e.metadata.namespace ?? ''),
              h('td', {}, e.message ?? ''),
              h('td', {}, String(e.count ?? 1)),
            ),
          ),
      );
    };
    for (const input of [namespace, type, text]) input.addEventListener('input', render);
    replaceContent(
      container,
      h(
        'div',
        { class: 'filters', role: 'search' },
        h('label', { for: 'event-namespace' }, 'Namespace ', namespace),
        h('label', { for: 'event-type' }, 'Type ', type),
        h('label', { for: 'event-text' }, 'Search ', text),
      ),
      count,
      note,
      h(
        'table',
        { 'aria-label': 'Events' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Last seen', 'Type', 'Reason', 'Object', 'Namespace', 'Message', 'Count'].map((c) =>
              h('th', { scope: 'col' }, c),
            ),
          ),
        ),
        body,
      ),
    );
    return ctx.follow(['Event'], render);
  },
};
