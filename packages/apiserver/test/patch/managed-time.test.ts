import { describe, expect, it } from 'vitest';
import { managedTime } from '../../src/patch/apply/managed-fields.js';

describe('managedTime', () => {
  it.each([
    ['2026-12-07T11:00:00.000Z', '2026-12-07T11:00:00Z'],
    ['2026-12-07T11:00:00.999Z', '2026-12-07T11:00:00Z'],
    ['2026-12-07T11:00:01.000Z', '2026-12-07T11:00:01Z'],
    ['2026-12-07T11:00:00.500Z', '2026-12-07T11:00:00Z'],
    ['1969-12-31T23:59:59.500Z', '1969-12-31T23:59:59Z'],
  ])('%s is recorded as %s (second precision, also right after another second)', (iso, expected) => {
    expect(managedTime(new Date(iso))).toBe(expected);
  });

  it('refuses an invalid date as toISOString does', () => {
    expect(() => managedTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});
