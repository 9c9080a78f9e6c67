import type { KubeObject } from '@flotilla/core';
import { ageOf, humanDuration } from '../human-duration.js';
import { column, type KindPrinter } from '../table.js';
import { ageColumn, nameColumn, orNone, selectorText, templateColumns, valueAt } from './common.js';

interface JobShape {
  spec?: { completions?: number; parallelism?: number; suspend?: boolean };
  status?: {
    succeeded?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: { type: string; status: string }[];
  };
}

const job = (obj: KubeObject) => obj as unknown as JobShape;

/** kubectl 1.32's job STATUS: the terminal condition, Suspended, FailureTarget..., else Running. */
function jobStatus(j: JobShape, deleting: boolean): string {
  const conditions = j.status?.conditions ?? [];
  const has = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (deleting) return 'Terminating';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('Suspended')) return 'Suspended';
  return 'Running';
}

function completions(j: JobShape): string {
  const succeeded = j.status?.succeeded ?? 0;
  if (j.spec?.completions !== undefined && j.spec.completions !== null) return `${succeeded}/${j.spec.completions}`;
  const parallelism = j.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function duration(j: JobShape, now: number): string {
  const start = j.status?.startTime;
  if (!start) return '';
  const end = j.status?.completionTime ? Date.parse(j.status.completionTime) : now;
  return humanDuration(end - Date.parse(start));
}

/** kubectl's job columns: NAME STATUS COMPLETIONS DURATION AGE; wide adds CONTAINERS IMAGES SELECTOR. */
export const jobPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Status', (obj) => jobStatus(job(obj), Boolean(obj.metadata.deletionTimestamp))),
    column('Completions', (obj) => completions(job(obj))),
    column('Duration', (obj, ctx) => duration(job(obj), ctx.now)),
    ageColumn,
    ...templateColumns(['spec', 'template']),
    column('Selector', (obj) => selectorText(valueAt(obj, ['spec', 'selector'])), { priority: 1 }),
  ],
};

/** kubectl's cron job columns: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE. */
export const cronJobPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Schedule', (obj) => String(valueAt(obj, ['spec', 'schedule']) ?? '')),
    column('Timezone', (obj) => orNone(valueAt(obj, ['spec', 'timeZone']) as string | undefined)),
    column('Suspend', (obj) => (valueAt(obj, ['spec', 'suspend']) === true ? 'True' : 'False')),
    column('Active', (obj) => ((valueAt(obj, ['status', 'active']) as unknown[] | undefined) ?? []).length, {
      type: 'integer',
    }),
    column('Last Schedule', (obj, ctx) => {
      const last = valueAt(obj, ['status', 'lastScheduleTime']) as string | undefined;
      return last ? ageOf(last, ctx.now) : '<none>';
    }),
    ageColumn,
    ...templateColumns(['spec', 'jobTemplate', 'spec', 'template']),
    column('Selector', (obj) => selectorText(valueAt(obj, ['spec', 'jobTemplate', 'spec', 'selector'])), {
      priority: 1,
    }),
  ],
};
