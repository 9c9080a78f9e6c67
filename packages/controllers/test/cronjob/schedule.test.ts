import { describe, expect, it } from 'vitest';
import { jobNameFor, mostRecentUnmetTime, parseCronSchedule } from '../../src/cronjob/schedule.js';

const at = (iso: string) => Date.parse(iso);

describe('parseCronSchedule', () => {
  it.each([
    ['*/15 * * * *', undefined, '2026-01-01T00:07:00Z', '2026-01-01T00:15:00Z'],
    ['@hourly', undefined, '2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z'],
    ['@daily', undefined, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'],
    ['@midnight', undefined, '2026-01-01T12:00:00Z', '2026-01-02T00:00:00Z'],
    ['@weekly', undefined, '2026-01-01T00:00:00Z', '2026-01-04T00:00:00Z'],
    ['@monthly', undefined, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'],
    ['@yearly', undefined, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    ['0 9 * * *', 'America/New_York', '2026-01-01T00:00:00Z', '2026-01-01T14:00:00Z'],
    ['0 9 * * *', 'Asia/Tokyo', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'],
  ])('%s in %s after %s -> %s', (schedule, tz, after, next) => {
    expect(parseCronSchedule(schedule, tz, 'cj').next(at(after))).toBe(at(next));
  });

  it.each([
    ['* * * *', 'spec.schedule'],
    ['*/5 * * * * *', 'spec.schedule'],
    ['61 * * * *', 'spec.schedule'],
    ['TZ=UTC 0 * * * *', 'spec.schedule'],
  ])('rejects %j naming %s', (schedule, field) => {
    expect(() => parseCronSchedule(schedule, undefined, 'cj')).toThrow(field);
  });

  it('rejects an unknown time zone', () => {
    expect(() => parseCronSchedule('0 * * * *', 'Mars/Olympus', 'cj')).toThrow(/spec\.timeZone/);
  });
});

describe('mostRecentUnmetTime', () => {
  const hourly = parseCronSchedule('@hourly', undefined, 'cj');
  it('finds nothing before the next time', () => {
    expect(mostRecentUnmetTime(hourly, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:59:00Z'))).toEqual({
      missed: 'none',
    });
  });

  it('returns the one time due', () => {
    expect(mostRecentUnmetTime(hourly, at('2026-01-01T00:00:00Z'), at('2026-01-01T01:00:30Z'))).toEqual({
      scheduled: at('2026-01-01T01:00:00Z'),
      missed: 'none',
    });
  });

  it('runs only the latest of several missed times', () => {
    expect(mostRecentUnmetTime(hourly, at('2026-01-01T00:00:00Z'), at('2026-01-01T05:30:00Z'))).toEqual({
      scheduled: at('2026-01-01T05:00:00Z'),
      missed: 'few',
    });
  });

  it('flags more than 100 missed times', () => {
    const minutely = parseCronSchedule('* * * * *', undefined, 'cj');
    const r = mostRecentUnmetTime(minutely, at('2026-01-01T00:00:00Z'), at('2026-01-03T00:00:00Z'));
    expect(r).toEqual({ scheduled: at('2026-01-03T00:00:00Z'), missed: 'many' });
  });

  it('ignores times older than startingDeadlineSeconds', () => {
    const r = mostRecentUnmetTime(hourly, at('2026-01-01T00:00:00Z'), at('2026-01-01T05:30:00Z'), 600);
    expect(r).toEqual({ missed: 'none' });
  });

  it('names jobs by scheduled minute', () => {
    expect(jobNameFor('nightly', at('2026-01-01T00:00:00Z'))).toBe(`nightly-${at('2026-01-01T00:00:00Z') / 60000}`);
  });
});
