import type { KubeObject } from '@flotilla/core';
import { ageOf } from '../human-duration.js';
import { column, type KindPrinter } from '../table.js';
import { nameColumn } from './common.js';

interface EventShape {
  metadata: KubeObject['metadata'];
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  source?: { component?: string; host?: string };
  series?: { count?: number; lastObservedTime?: string };
}

const event = (obj: KubeObject) => obj as unknown as EventShape;

function lastSeen(e: EventShape): string | undefined {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
}

/** kubectl's event columns: LAST SEEN TYPE REASON OBJECT MESSAGE; wide adds SUBOBJECT SOURCE FIRST SEEN COUNT NAME. */
export const eventPrinter: KindPrinter = {
  columns: [
    column('Last Seen', (obj, ctx) => ageOf(lastSeen(event(obj)), ctx.now)),
    column('Type', (obj) => event(obj).type ?? ''),
    column('Reason', (obj) => event(obj).reason ?? ''),
    column('Object', (obj) => {
      const o = event(obj).involvedObject ?? {};
      return `${(o.kind ?? '').toLowerCase()}/${o.name ?? ''}`;
    }),
    column('Message', (obj) => (event(obj).message ?? '').trim()),
    column('Subobject', (obj) => event(obj).involvedObject?.fieldPath ?? '', { priority: 1 }),
    column(
      'Source',
      (obj) => {
        const s = event(obj).source ?? {};
        return [s.component, s.host].filter(Boolean).join(', ');
      },
      { priority: 1 },
    ),
    column('First Seen', (obj, ctx) => ageOf(event(obj).firstTimestamp ?? event(obj).eventTime, ctx.now), {
      priority: 1,
    }),
    column('Count', (obj) => event(obj).series?.count ?? event(obj).count ?? 1, { type: 'integer', priority: 1 }),
    { ...nameColumn, definition: { ...nameColumn.definition, priority: 1 } },
  ],
};
