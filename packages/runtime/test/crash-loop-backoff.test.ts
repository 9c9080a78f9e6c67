import { describe, expect, it } from 'vitest';
import { CRASH_LOOP_BACKOFF, CrashLoopBackoff } from '../src/agent/crash-loop-backoff.js';

// Kubernetes: pkg/kubelet/kuberuntime/kuberuntime_manager.go (doBackOff: IsInBackOffSince(key, finishedAt),
// then Next on restart) with client-go util/flowcontrol/backoff.go (initial 10 s, max 300 s, an entry older
// than 2 x max on the event is expired and starts over). Rows: [run time before the exit, expected delay].
describe('CrashLoopBackoff.afterExit (kubelet container restart backoff)', () => {
  it.each<[string, [number, number][]]>([
    [
      'a container that keeps crashing after 1 s',
      [
        [1000, 0],
        [1000, 10_000],
        [1000, 20_000],
        [1000, 40_000],
        [1000, 80_000],
        [1000, 160_000],
        [1000, 300_000],
        [1000, 300_000],
      ],
    ],
    [
      'a run longer than 10 min after the last restart starts over (restart at once, then 10 s)',
      [
        [1000, 0],
        [1000, 10_000],
        [1000, 20_000],
        [600_001, 0],
        [1000, 10_000],
      ],
    ],
    [
      'exactly 10 min is not yet expired (flowcontrol compares with >)',
      [
        [1000, 0],
        [600_000, 10_000],
      ],
    ],
  ])('%s', (_name, runs) => {
    const b = new CrashLoopBackoff();
    let now = 0;
    runs.forEach(([runMs, delay], i) => {
      const finishedAt = now + runMs;
      const at = b.afterExit('pod/app', `c${i}`, finishedAt);
      expect(at - finishedAt).toBe(delay);
      expect(b.afterExit('pod/app', `c${i}`, finishedAt)).toBe(at); // repeated syncs do not move it
      now = at;
    });
  });

  it('uses the kubelet constants', () => {
    expect(CRASH_LOOP_BACKOFF).toEqual({ initialMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 });
  });
});
