import { InvalidError } from '@flotilla/core';
import { type CronSpec, CronSyntaxError, parseCronSpec } from './cron-spec.js';
import { isKnownTimeZone } from './zoned-time.js';

/** A parsed CronJob schedule in its time zone. */
export interface CronSchedule {
  /** The first scheduled time strictly after `afterMs`; undefined when it never comes (`0 0 30 2 *`). */
  next(afterMs: number): number | undefined;
  /** The last scheduled time at or before `atMs`, if any in the five years before it. */
  latestAtOrBefore(atMs: number): number | undefined;
}

/** How far back `latestAtOrBefore` looks, widening: a minute, an hour, a day, a week, a month, a year, five years. */
const LOOKBACK_MS = [
  60_000,
  3_600_000,
  86_400_000,
  7 * 86_400_000,
  32 * 86_400_000,
  367 * 86_400_000,
  1830 * 86_400_000,
];

function latestOf(spec: CronSpec, atMs: number): number | undefined {
  for (const back of LOOKBACK_MS) {
    let t = spec.next(atMs - back);
    if (t === undefined || t > atMs) continue;
    let last = t;
    for (t = spec.next(t); t !== undefined && t <= atMs; t = spec.next(t)) last = t;
    return last;
  }
  return undefined;
}

/**
 * Parses a CronJob's `spec.schedule` evaluated in `timeZone` (an IANA name;
 * UTC when absent) with robfig/cron's semantics, as Kubernetes' controller
 * does (`cron.ParseStandard`): five fields or a descriptor (`@hourly`,
 * `@every 90m`). A time skipped by a DST change does not fire; a repeated
 * hour fires in both of its occurrences for schedules that name it (as
 * robfig/cron). An unsatisfiable schedule (`0 0 30 2 *`) parses and never
 * fires.
 *
 * @throws InvalidError naming `spec.schedule` or `spec.timeZone`: a
 * `TZ=`/`CRON_TZ=` prefix (use `spec.timeZone`, as Kubernetes' validation
 * requires), a syntax error, an unknown or `Local` zone.
 */
export function parseCronSchedule(schedule: string, timeZone: string | undefined, cronJobName: string): CronSchedule {
  const bad = (field: string, value: string, why: string) =>
    new InvalidError('CronJob', cronJobName, [{ field, message: `Invalid value: "${value}": ${why}` }]);
  if (schedule.includes('TZ')) {
    throw bad('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  }
  const tz = timeZone ?? 'UTC';
  if (tz.toLowerCase() === 'local' || !isKnownTimeZone(tz)) {
    throw bad('spec.timeZone', tz, 'unknown time zone; use an IANA name such as "Europe/Paris"');
  }
  let spec: CronSpec;
  try {
    spec = parseCronSpec(schedule, { timeZone: tz });
  } catch (err) {
    if (err instanceof CronSyntaxError) throw bad('spec.schedule', schedule, err.message);
    throw err;
  }
  return { next: (afterMs) => spec.next(afterMs), latestAtOrBefore: (atMs) => latestOf(spec, atMs) };
}

/** How many scheduled times were missed since the last one acted on. */
export type MissedRuns = 'none' | 'few' | 'many';

/** Above this many missed times Kubernetes warns (and still runs only the latest). */
export const tooManyMissedRuns = 100;

/** The most recent unmet scheduled time, with how many were missed. */
export interface UnmetSchedule {
  /** The latest scheduled time in `(earliest, now]`, if any. */
  scheduled?: number;
  missed: MissedRuns;
}

/**
 * Kubernetes' `mostRecentScheduleTime`: the latest scheduled time after
 * `earliest` (the last schedule time, or creation; moved up to
 * `now - startingDeadlineSeconds` when a deadline is set) and not after
 * `now`. Only that one time is ever run: a controller that was down for a
 * day starts at most one catch-up job. `missed` is `'many'` beyond 100.
 */
export function mostRecentUnmetTime(
  schedule: CronSchedule,
  earliest: number,
  now: number,
  startingDeadlineSeconds?: number,
): UnmetSchedule {
  const from =
    startingDeadlineSeconds === undefined ? earliest : Math.max(earliest, now - startingDeadlineSeconds * 1000);
  const first = schedule.next(from);
  if (first === undefined || first > now) return { missed: 'none' };
  let count = 1;
  for (let t = schedule.next(first); t !== undefined && t <= now && count <= tooManyMissedRuns; t = schedule.next(t)) {
    count++;
  }
  return {
    scheduled: schedule.latestAtOrBefore(now),
    missed: count > tooManyMissedRuns ? 'many' : count > 1 ? 'few' : 'none',
  };
}

/** The Job name for a scheduled time: `<cronjob>-<scheduled unix time in minutes>`, so one time makes one Job. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}
