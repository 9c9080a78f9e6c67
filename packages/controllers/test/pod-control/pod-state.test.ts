import { describe, expect, it } from 'vitest';
import { isPodAvailable, msUntilAvailable } from '../../src/pod-control/pod-state.js';
import { testPod } from '../support/builders.js';

const readyAt = Date.parse('2026-01-01T00:00:00Z');

describe('pod availability with minReadySeconds', () => {
  it.each([
    ['not ready', undefined, 0, 0, false],
    ['ready, no window', '2026-01-01T00:00:00Z', 0, 0, true],
    ['ready exactly minReadySeconds ago', '2026-01-01T00:00:00Z', 10, 10_000, false],
    ['ready longer than minReadySeconds', '2026-01-01T00:00:00Z', 10, 10_001, true],
  ])('%s', (_case, readySince, minReady, elapsed, expected) => {
    expect(isPodAvailable(testPod('p', { readySince }), minReady, readyAt + elapsed)).toBe(expected);
  });

  it('says how long until a ready pod becomes available', () => {
    const pod = testPod('p', { readySince: '2026-01-01T00:00:00Z' });
    const wait = msUntilAvailable(pod, 10, readyAt + 4_000)!;
    expect(isPodAvailable(pod, 10, readyAt + 4_000 + wait)).toBe(true);
    expect(msUntilAvailable(pod, 10, readyAt + 20_000)).toBeUndefined();
  });
});
