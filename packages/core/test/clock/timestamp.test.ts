import { describe, expect, it } from 'vitest';
import { newObjectUid } from '../../src/api/object-uid.js';
import { toTimestamp } from '../../src/clock/clock.js';
import { flatAscii } from '../../src/json/flat-ascii.js';

describe('toTimestamp', () => {
  it.each([
    { ms: 0, text: '1970-01-01T00:00:00Z' },
    { ms: 999, text: '1970-01-01T00:00:00Z' },
    { ms: 1000, text: '1970-01-01T00:00:01Z' },
    { ms: Date.UTC(2026, 0, 1, 23, 59, 59, 999), text: '2026-01-01T23:59:59Z' },
    { ms: Date.UTC(2026, 0, 2), text: '2026-01-02T00:00:00Z' },
  ])('formats $ms as $text, with seconds precision', ({ ms, text }) => {
    expect(toTimestamp(ms)).toBe(text);
  });

  it('gives readings of one second the same text, and the next second its own', () => {
    const second = Date.UTC(2026, 5, 1, 12, 0, 0);
    expect(toTimestamp(second + 10)).toBe(toTimestamp(second + 990));
    expect(toTimestamp(second + 1000)).toBe('2026-06-01T12:00:01Z');
    expect(toTimestamp(second + 10)).toBe('2026-06-01T12:00:00Z');
  });

  it('refuses a reading that is not a time, as Date does', () => {
    expect(() => toTimestamp(Number.NaN)).toThrow(RangeError);
  });
});

describe('object uids and flat strings', () => {
  it('makes RFC 4122 version 4 uids, each new', () => {
    const uids = new Set(Array.from({ length: 1000 }, () => newObjectUid()));
    expect(uids.size).toBe(1000);
    for (const uid of uids)
      expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each([
    '',
    'a',
    `${'node-'}${42}.${'x'.repeat(40)}`,
    '2026-01-01T00:00:00Z',
  ])('copies ASCII text %j unchanged', (text) => {
    expect(flatAscii(text)).toBe(text);
  });
});
