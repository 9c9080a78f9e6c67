import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CronSyntaxError, cronField, cronRange, parseCronSpec } from '../../src/cronjob/cron-spec.js';
import { parseCronSchedule } from '../../src/cronjob/schedule.js';

/** Go's test times: "Mon Jul 9 14:45 2012" (UTC) or "2012-03-11T00:00:00-0500" (an instant, read in New York). */
function goTime(value: string): number {
  const offset = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([+-]\d\d)(\d\d)$/.exec(value);
  if (offset) return Date.parse(`${offset[1]}${offset[2]}:${offset[3]}`);
  const m = /^\w{3} (\w{3}) (\d+) (\d\d):(\d\d)(?::(\d\d))? (\d{4})$/.exec(value);
  if (!m) throw new Error(`bad test time ${value}`);
  const [, mon, day, hh, mm, ss, year] = m;
  return Date.parse(`${mon} ${day}, ${year} ${hh}:${mm}:${ss ?? '00'} UTC`);
}
const zoneOf = (value: string) => (value.includes('T') ? 'America/New_York' : 'UTC');

// Upstream: robfig/cron spec_test.go (TestActivation), as data: Next(t - 1s) == t. Six fields (seconds first).
// One vector follows v3, which Kubernetes vendors: a stepped star (`*/10`) is not "unrestricted", so
// day-of-month and day-of-week are ORed (vendor/github.com/robfig/cron/v3/parser.go getRange: step > 1 clears it).
const activation: [string, string, boolean][] = [
  ['Mon Jul 9 15:00 2012', '0 0/15 * * *', true],
  ['Mon Jul 9 15:45 2012', '0 0/15 * * *', true],
  ['Mon Jul 9 15:40 2012', '0 0/15 * * *', false],
  ['Mon Jul 9 15:05 2012', '0 5/15 * * *', true],
  ['Mon Jul 9 15:20 2012', '0 5/15 * * *', true],
  ['Mon Jul 9 15:50 2012', '0 5/15 * * *', true],
  ['Sun Jul 15 15:00 2012', '0 0/15 * * Jul', true],
  ['Sun Jul 15 15:00 2012', '0 0/15 * * Jun', false],
  ['Sun Jul 15 08:30 2012', '0 30 08 ? Jul Sun', true],
  ['Sun Jul 15 08:30 2012', '0 30 08 15 Jul ?', true],
  ['Mon Jul 16 08:30 2012', '0 30 08 ? Jul Sun', false],
  ['Mon Jul 16 08:30 2012', '0 30 08 15 Jul ?', false],
  ['Mon Jul 9 15:00 2012', '@hourly', true],
  ['Mon Jul 9 15:04 2012', '@hourly', false],
  ['Mon Jul 9 15:00 2012', '@daily', false],
  ['Mon Jul 9 00:00 2012', '@daily', true],
  ['Mon Jul 9 00:00 2012', '@weekly', false],
  ['Sun Jul 8 00:00 2012', '@weekly', true],
  ['Sun Jul 8 01:00 2012', '@weekly', false],
  ['Sun Jul 8 00:00 2012', '@monthly', false],
  ['Sun Jul 1 00:00 2012', '@monthly', true],
  ['Sun Jul 15 00:00 2012', '0 * * 1,15 * Sun', true],
  ['Fri Jun 15 00:00 2012', '0 * * 1,15 * Sun', true],
  ['Wed Aug 1 00:00 2012', '0 * * 1,15 * Sun', true],
  ['Sun Jul 15 00:00 2012', '0 * * * * Mon', false],
  ['Sun Jul 15 00:00 2012', '0 * * */10 * Sun', true], // v3: */10 is not a star, so Sunday alone matches
  ['Mon Jul 9 00:00 2012', '0 * * 1,15 * *', false],
  ['Sun Jul 15 00:00 2012', '0 * * 1,15 * *', true],
  ['Sun Jul 15 00:00 2012', '0 * * */2 * Sun', true],
];

// Upstream: robfig/cron spec_test.go (TestNext), as data. "" means never (the zero time). Five-field
// specs there have seconds first and an optional day-of-week.
const nextRuns: [string, string, string][] = [
  ['Mon Jul 9 14:45 2012', '0 0/15 * * *', 'Mon Jul 9 15:00 2012'],
  ['Mon Jul 9 14:59 2012', '0 0/15 * * *', 'Mon Jul 9 15:00 2012'],
  ['Mon Jul 9 14:59:59 2012', '0 0/15 * * *', 'Mon Jul 9 15:00 2012'],
  ['Mon Jul 9 15:45 2012', '0 20-35/15 * * *', 'Mon Jul 9 16:20 2012'],
  ['Mon Jul 9 23:46 2012', '0 */15 * * *', 'Tue Jul 10 00:00 2012'],
  ['Mon Jul 9 23:45 2012', '0 20-35/15 * * *', 'Tue Jul 10 00:20 2012'],
  ['Mon Jul 9 23:35:51 2012', '15/35 20-35/15 * * *', 'Tue Jul 10 00:20:15 2012'],
  ['Mon Jul 9 23:35:51 2012', '15/35 20-35/15 1/2 * *', 'Tue Jul 10 01:20:15 2012'],
  ['Mon Jul 9 23:35:51 2012', '15/35 20-35/15 10-12 * *', 'Tue Jul 10 10:20:15 2012'],
  ['Mon Jul 9 23:35:51 2012', '15/35 20-35/15 1/2 */2 * *', 'Thu Jul 11 01:20:15 2012'],
  ['Mon Jul 9 23:35:51 2012', '15/35 20-35/15 * 9-20 * *', 'Wed Jul 10 00:20:15 2012'],
  ['Mon Jul 9 23:35:51 2012', '15/35 20-35/15 * 9-20 Jul *', 'Wed Jul 10 00:20:15 2012'],
  ['Mon Jul 9 23:35 2012', '0 0 0 9 Apr-Oct ?', 'Thu Aug 9 00:00 2012'],
  ['Mon Jul 9 23:35 2012', '0 0 0 */5 Apr,Aug,Oct Mon', 'Wed Aug 1 00:00 2012'], // v3: */5 ORs with Mon (was Aug 6)
  ['Mon Jul 9 23:35 2012', '0 0 0 */5 Oct Mon', 'Mon Oct 1 00:00 2012'],
  ['Mon Jul 9 23:35 2012', '0 0 0 * Feb Mon', 'Mon Feb 4 00:00 2013'],
  ['Mon Jul 9 23:35 2012', '0 0 0 * Feb Mon/2', 'Fri Feb 1 00:00 2013'],
  ['Mon Dec 31 23:59:45 2012', '0 * * * * *', 'Tue Jan 1 00:00:00 2013'],
  ['Mon Jul 9 23:35 2012', '0 0 0 29 Feb ?', 'Mon Feb 29 00:00 2016'],
  // Daylight saving time 2am EST (-5) -> 3am EDT (-4)
  ['2012-03-11T00:00:00-0500', '0 30 2 11 Mar ?', '2013-03-11T02:30:00-0400'],
  ['2012-03-11T00:00:00-0500', '0 0 * * * ?', '2012-03-11T01:00:00-0500'],
  ['2012-03-11T01:00:00-0500', '0 0 * * * ?', '2012-03-11T03:00:00-0400'],
  ['2012-03-11T03:00:00-0400', '0 0 * * * ?', '2012-03-11T04:00:00-0400'],
  ['2012-03-11T04:00:00-0400', '0 0 * * * ?', '2012-03-11T05:00:00-0400'],
  ['2012-03-11T00:00:00-0500', '0 0 1 * * ?', '2012-03-11T01:00:00-0500'],
  ['2012-03-11T01:00:00-0500', '0 0 1 * * ?', '2012-03-12T01:00:00-0400'],
  ['2012-03-11T00:00:00-0500', '0 0 2 * * ?', '2012-03-12T02:00:00-0400'], // 2am skipped
  // Daylight saving time 2am EDT (-4) -> 1am EST (-5)
  ['2012-11-04T00:00:00-0400', '0 30 2 04 Nov ?', '2012-11-04T02:30:00-0500'],
  ['2012-11-04T01:45:00-0400', '0 30 1 04 Nov ?', '2012-11-04T01:30:00-0500'],
  ['2012-11-04T00:00:00-0400', '0 0 * * * ?', '2012-11-04T01:00:00-0400'],
  ['2012-11-04T01:00:00-0400', '0 0 * * * ?', '2012-11-04T01:00:00-0500'],
  ['2012-11-04T01:00:00-0500', '0 0 * * * ?', '2012-11-04T02:00:00-0500'],
  ['2012-11-04T00:00:00-0400', '0 0 1 * * ?', '2012-11-04T01:00:00-0400'],
  ['2012-11-04T01:00:00-0400', '0 0 1 * * ?', '2012-11-04T01:00:00-0500'], // 1am runs twice
  ['2012-11-04T01:00:00-0500', '0 0 1 * * ?', '2012-11-05T01:00:00-0500'],
  ['2012-11-04T00:00:00-0400', '0 0 2 * * ?', '2012-11-04T02:00:00-0500'],
  ['2012-11-04T02:00:00-0500', '0 0 2 * * ?', '2012-11-05T02:00:00-0500'],
  ['2012-11-04T00:00:00-0400', '0 0 3 * * ?', '2012-11-04T03:00:00-0500'],
  ['2012-11-04T03:00:00-0500', '0 0 3 * * ?', '2012-11-05T03:00:00-0500'],
  // Unsatisfiable
  ['Mon Jul 9 23:35 2012', '0 0 0 30 Feb ?', ''],
  ['Mon Jul 9 23:35 2012', '0 0 0 31 Apr ?', ''],
];

describe('robfig/cron semantics (spec_test.go)', () => {
  it.each(activation)('%s with %j activates: %s', (time, spec, want) => {
    const t = goTime(time);
    const s = parseCronSpec(spec, { timeZone: zoneOf(time), seconds: !spec.startsWith('@') });
    expect(s.next(t - 1000) === t).toBe(want);
  });

  it.each(nextRuns)('after %s, %j fires at %j', (time, spec, want) => {
    const s = parseCronSpec(spec, { timeZone: zoneOf(time), seconds: true });
    expect(s.next(goTime(time))).toBe(want === '' ? undefined : goTime(want));
  });

  // Upstream: robfig/cron spec_test.go (TestErrors), with the five-field standard parser.
  it.each([
    'xyz',
    '60 0 * * *',
    '0 60 * * *',
    '0 0 * * XYZ',
    '0 0 * * 7',
    '*/0 * * * *',
    '1-2-3 * * * *',
  ])('%j is refused', (spec) => {
    expect(() => parseCronSpec(spec, { timeZone: 'UTC' })).toThrow(CronSyntaxError);
  });
});

// Upstream: robfig/cron parser_test.go (TestRange, TestField), as data; bounds [min, max]; v3 star rule as above.
describe('robfig/cron fields (parser_test.go)', () => {
  const bits = (...vs: number[]) => vs.reduce((b, v) => b | (1n << BigInt(v)), 0n);
  it.each<[string, number, number, bigint, boolean]>([
    ['5', 0, 7, bits(5), false],
    ['0', 0, 7, bits(0), false],
    ['7', 0, 7, bits(7), false],
    ['5-5', 0, 7, bits(5), false],
    ['5-6', 0, 7, bits(5, 6), false],
    ['5-7', 0, 7, bits(5, 6, 7), false],
    ['5-6/2', 0, 7, bits(5), false],
    ['5-7/2', 0, 7, bits(5, 7), false],
    ['5-7/1', 0, 7, bits(5, 6, 7), false],
    ['*', 1, 3, bits(1, 2, 3), true],
    ['*/2', 1, 3, bits(1, 3), false],
  ])('range %j in [%d, %d]', (expr, min, max, want, star) => {
    expect(cronRange(expr, { min, max })).toEqual({ bits: want, star });
  });
  it.each<[string, bigint]>([
    ['5', bits(5)],
    ['5,6', bits(5, 6)],
    ['5,6,7', bits(5, 6, 7)],
    ['1,5-7/2,3', bits(1, 5, 7, 3)],
  ])('field %j in [1, 7]', (expr, want) => {
    expect(cronField(expr, { min: 1, max: 7 }).bits).toBe(want);
  });

  it('@every 5m fires every five minutes from the given instant (ConstantDelaySchedule)', () => {
    const s = parseCronSpec('@every 5m', { timeZone: 'UTC' });
    expect(s.next(goTime('Mon Jul 9 14:45 2012') + 250)).toBe(goTime('Mon Jul 9 14:50 2012'));
  });
});

describe('CronJob schedules (Kubernetes: cron.ParseStandard, spec.timeZone)', () => {
  it('0 0 30 Feb * parses and never fires', () => {
    const s = parseCronSchedule('0 0 30 Feb *', undefined, 'cj');
    expect(s.next(Date.parse('2026-01-01T00:00:00Z'))).toBeUndefined();
    expect(s.latestAtOrBefore(Date.parse('2026-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('spec.timeZone: 30 2 * * * in New York skips the spring-forward day and fires once at 02:30 EST in the fall', () => {
    const s = parseCronSchedule('30 2 * * *', 'America/New_York', 'cj');
    expect(s.next(Date.parse('2026-03-08T05:00:00Z'))).toBe(Date.parse('2026-03-09T06:30:00Z'));
    expect(s.next(Date.parse('2026-11-01T04:00:00Z'))).toBe(Date.parse('2026-11-01T07:30:00Z'));
  });

  it.each([
    ['TZ=UTC 0 * * * *', undefined, 'spec.schedule'],
    ['CRON_TZ=Europe/Paris 0 * * * *', undefined, 'spec.schedule'],
    ['0 * * * *', 'Local', 'spec.timeZone'],
    ['0 * * * *', 'Mars/Olympus', 'spec.timeZone'],
    ['0 * * * *', '', 'spec.timeZone'],
  ])('refuses %j in zone %j naming %s', (schedule, tz, field) => {
    expect(() => parseCronSchedule(schedule, tz, 'cj')).toThrow(field);
  });
});

/** Whether `v` is in a cron field written as `*`, `a`, `a-b`, `*\/n` or `a-b/n`, comma-separated. */
function inField(field: string, v: number, min: number, max: number): boolean {
  return field.split(',').some((part) => {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    const [lo, hi] =
      range === '*'
        ? [min, max]
        : range.includes('-')
          ? range.split('-').map(Number)
          : [Number(range), stepText ? max : Number(range)];
    return v >= lo && v <= hi && (v - lo) % step === 0;
  });
}

/** The first matching minute after `t` in UTC by plain enumeration of days, hours and minutes. */
function bruteForceNext(spec: string, t: number): number | undefined {
  const [mi, h, dom, mon, dow] = spec.split(' ');
  const unrestricted = (f: string) => f === '*' || f === '*/1' || f === '?';
  const start = new Date(t);
  for (let d = 0; d < 5 * 366; d++) {
    const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + d));
    if (!inField(mon, day.getUTCMonth() + 1, 1, 12)) continue;
    const domOk = inField(dom, day.getUTCDate(), 1, 31);
    const dowOk = inField(dow, day.getUTCDay(), 0, 6);
    if (!(unrestricted(dom) || unrestricted(dow) ? domOk && dowOk : domOk || dowOk)) continue;
    for (let hour = 0; hour < 24; hour++) {
      if (!inField(h, hour, 0, 23)) continue;
      for (let minute = 0; minute < 60; minute++) {
        if (!inField(mi, minute, 0, 59)) continue;
        const at = day.getTime() + hour * 3_600_000 + minute * 60_000;
        if (at > t) return at;
      }
    }
  }
  return undefined;
}

describe('robfig/cron Next agrees with plain enumeration (UTC, property)', () => {
  const field = (min: number, max: number) =>
    fc.oneof(
      fc.constant('*'),
      fc.integer({ min, max }).map(String),
      fc
        .tuple(fc.integer({ min, max }), fc.integer({ min, max }))
        .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.integer({ min: 2, max: Math.max(2, max - min) }).map((n) => `*/${n}`),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${a},${b}`),
    );
  it('gives the same next time for random five-field schedules', () => {
    fc.assert(
      fc.property(
        field(0, 59),
        field(0, 23),
        field(1, 31),
        field(1, 12),
        field(0, 6),
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        (mi, h, dom, mon, dow, t) => {
          const spec = [mi, h, dom, mon, dow].join(' ');
          expect(parseCronSpec(spec, { timeZone: 'UTC' }).next(t)).toBe(bruteForceNext(spec, t));
        },
      ),
      { numRuns: 150 },
    );
  });
});
