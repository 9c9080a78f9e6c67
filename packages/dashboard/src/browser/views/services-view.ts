import type { Endpoints, Service } from '@flotilla/core';
import { endpointSummary } from '../model/endpoint-summary.js';
import { h, replaceContent } from '../ui/dom.js';
import { collectionNote, type View } from './view-context.js';

/** Services with their type, cluster IP, ports and the endpoints behind them. */
export const servicesView: View = {
  id: 'services',
  title: 'Services',
  mount(container, ctx) {
    const services = ctx.collection<Service>('Service');
    const endpoints = ctx.collection<Endpoints>('Endpoints');
    return ctx.follow(['Service', 'Endpoints'], () => {
      const rows = services
        .list()
        .sort((a, b) =>
          `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
        )
        .map((s) => {
          const ep = endpointSummary(endpoints.items.get(`${s.metadata.namespace}/${s.metadata.name}`));
          const ports = (s.spec?.ports ?? []).map(
            (p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`,
          );
          return h(
            'tr',
            { 'data-object': `Service/${s.metadata.namespace}/${s.metadata.name}` },
            h('td', {}, s.metadata.namespace ?? ''),
            h('th', { scope: 'row' }, s.metadata.name),
            h('td', {}, s.spec?.type ?? 'ClusterIP'),
            h('td', {}, s.spec?.clusterIP ?? ''),
            h('td', {}, ports.join(', ')),
            h(
              'td',
              {},
              ep.ready.join(', ') || (s.spec?.selector ? 'none ready' : 'no selector'),
              ep.notReady > 0 ? ` (+${ep.notReady} not ready)` : '',
            ),
          );
        });
      const notes = [collectionNote('Services', services.state), collectionNote('Endpoints', endpoints.state)];
      replaceContent(
        container,
        notes.filter(Boolean).map((n) => h('p', { class: 'note' }, n)),
        h(
          'table',
          { 'aria-label': 'Services' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Namespace', 'Name', 'Type', 'Cluster IP', 'Ports', 'Endpoints'].map((c) =>
                h('th', { scope: 'col' }, c),
              ),
            ),
          ),
          h('tbody', {}, rows),
        ),
      );
    });
  },
};
