import type { WatchEvent } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { EncodedLines } from '../../src/watch/encoded-lines.js';

/** What the store hands each watcher: its own copy of the changed object. */
const event = (type: WatchEvent['type'], uid: string | undefined, resourceVersion: string): WatchEvent => ({
  type,
  object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid, resourceVersion } },
});

describe('EncodedLines', () => {
  it.each([
    {
      name: 'two watchers copies of one change share one line',
      a: event('ADDED', 'u1', '5'),
      b: event('ADDED', 'u1', '5'),
      shared: true,
    },
    {
      name: 'another revision of the object is another line',
      a: event('MODIFIED', 'u1', '5'),
      b: event('MODIFIED', 'u1', '6'),
      shared: false,
    },
    {
      name: 'another type at the same revision is another line',
      a: event('MODIFIED', 'u1', '7'),
      b: event('DELETED', 'u1', '7'),
      shared: false,
    },
    {
      name: 'another object at the same revision is another line',
      a: event('ADDED', 'u1', '8'),
      b: event('ADDED', 'u2', '8'),
      shared: false,
    },
    {
      name: 'an object without a uid is never shared',
      a: event('ADDED', undefined, '9'),
      b: event('ADDED', undefined, '9'),
      shared: false,
    },
  ])('$name', ({ a, b, shared }) => {
    const lines = new EncodedLines(16);
    const first = lines.lineFor(a);
    expect(first.toString()).toBe(`${JSON.stringify({ type: a.type, object: a.object })}\n`);
    expect(lines.lineFor(b) === first).toBe(shared);
  });

  it('keeps the newest lines: the oldest is encoded again once evicted', () => {
    const lines = new EncodedLines(2);
    const oldest = lines.lineFor(event('ADDED', 'u1', '1'));
    const kept = lines.lineFor(event('ADDED', 'u2', '2'));
    lines.lineFor(event('ADDED', 'u3', '3'));
    expect(lines.lineFor(event('ADDED', 'u2', '2'))).toBe(kept);
    const again = lines.lineFor(event('ADDED', 'u1', '1'));
    expect(again).not.toBe(oldest);
    expect(again.equals(oldest)).toBe(true);
  });
});
