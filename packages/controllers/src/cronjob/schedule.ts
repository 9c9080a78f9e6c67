import { InvalidError } from '@flotilla/core';
import { CronExpressionParser } from 'cron-parser';

/** Kubernetes' schedule macros, as the standard five fields. */
const macros: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A parsed CronJob schedule in its time zone. */
export interface CronSchedule {
  /** The first scheduled time strictly after `afterMs`. */
  next(afterMs: number): number;
  /** The last scheduled time at or before `atMs`. */
  latestAtOrBefore(atMs: number): number;
}

/**
 * Parses a CronJob's `spec.schedule` (five fields or a macro such as
 * `@hourly`) evaluated in `timeZone` (an IANA name; UTC when absent), using
 * cron-parser.
 *
 * @throws InvalidError naming `spec.schedule` or `spec.timeZone`: six-field
 * (seconds) schedules, `TZ=` prefixes (set `spec.timeZone` instead), bad
 * fields and unknown zones are all refused, as Kubernetes' validation does.
 */
export function parseCronSchedule(schedule: string, timeZone: string | undefined, cronJobName: string): CronSchedule {
  const bad = (field: string, value: string, why: string) =>
    new InvalidError('CronJob', cronJobName, [{ field, message: `Invalid value: "${value}": ${why}` }]);
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text)) throw bad('spec.schedule', schedule, 'TZ is not supported, use spec.timeZone');
  const expr = macros[text] ?? text;
  if (expr.split(/\s+/).length !== 5) {
    throw bad('spec.schedule', schedule, 'expected exactly 5 fields (minute hour day-of-month month day-of-week)');
  }
  const tz = timeZone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw bad('spec.timeZone', tz, 'unknown time zone; use an IANA name such as "Europe/Paris"');
  }
  try {
    CronExpressionParser.parse(expr, { tz });
  } catch (err) {
    throw bad('spec.schedule', schedule, (err as Error).message);
  }
  return {
    next: (afterMs) =>
      CronExpressionParser.parse(expr, { tz, currentDate: new Date(afterMs) })
        .next()
        .getTime(),
    latestAtOrBefore: (atMs) =>
      CronExpressionParser.parse(expr, { tz, currentDate: new Date(atMs + 1) })
        .prev()
        .getTime(),
  };
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
  if (first > now) return { missed: 'none' };
  let count = 1;
  for (let t = schedule.next(first); t <= now && count <= tooManyMissedRuns; t = schedule.next(t)) count++;
  return {
    scheduled: schedule.latestAtOrBefore(now),
    missed: count > tooManyMissedRuns ? 'many' : count > 1 ? 'few' : 'none',
  };
}

/** The Job name for a scheduled time: `<cronjob>-<scheduled unix time in minutes>`, so one time makes one Job. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}
