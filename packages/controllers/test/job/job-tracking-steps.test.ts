import type { Job, Pod } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { completionIndexKey } from '../../src/job/completion-index.js';
import {
  countReleasedPods,
  jobTrackingFinalizer,
  maxUncountedPods,
  recordTerminatedPods,
  withJobTrackingFinalizer,
} from '../../src/job/job-tracking.js';

type Phase = 'Running' | 'Succeeded' | 'Failed' | 'deleted while running';

function pod(uid: string, phase: Phase, index?: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: uid,
      uid,
      finalizers: [jobTrackingFinalizer],
      ...(index === undefined ? {} : { annotations: { [completionIndexKey]: String(index) } }),
      ...(phase === 'deleted while running' ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase: phase === 'deleted while running' ? 'Running' : phase },
  };
}

function job(status: Job['status'] = {}, indexed = false): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'work', namespace: 'default' },
    spec: {
      completions: 3,
      ...(indexed ? { completionMode: 'Indexed' as const } : {}),
      template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
    status,
  };
}

describe('recordTerminatedPods (step 1: record before release)', () => {
  it.each([
    ['a running pod is not recorded', [pod('a', 'Running')], { succeeded: [], failed: [] }, false],
    ['a succeeded pod is recorded as succeeded', [pod('a', 'Succeeded')], { succeeded: ['a'], failed: [] }, true],
    ['a failed pod is recorded as failed', [pod('a', 'Failed')], { succeeded: [], failed: ['a'] }, true],
    [
      'a pod deleted before it finished is recorded as failed',
      [pod('a', 'deleted while running')],
      { succeeded: [], failed: ['a'] },
      true,
    ],
  ] as const)('%s', (_, pods, uncounted, changed) => {
    const recorded = recordTerminatedPods(job(), pods);
    expect(recorded.uncounted).toEqual(uncounted);
    expect(recorded.changed).toBe(changed);
  });

  it('records a pod once: run again over its own result, it changes nothing', () => {
    const pods = [pod('a', 'Succeeded'), pod('b', 'Failed')];
    const first = recordTerminatedPods(job(), pods);
    const again = recordTerminatedPods(job({ uncountedTerminatedPods: first.uncounted }), pods);
    expect(again).toMatchObject({ uncounted: first.uncounted, changed: false, overflow: false });
    expect([...again.releasable].sort()).toEqual(['a', 'b']);
  });

  it(`records at most ${maxUncountedPods} pods; the rest keep their finalizer, and the Job cannot finish, until the next sync`, () => {
    const pods = Array.from({ length: maxUncountedPods + 2 }, (_, i) => pod(`p${i}`, 'Succeeded'));
    const recorded = recordTerminatedPods(job(), pods);
    expect(recorded.uncounted.succeeded).toHaveLength(maxUncountedPods);
    expect(recorded.releasable.size).toBe(maxUncountedPods);
    expect(recorded.releasable.has(`p${maxUncountedPods}`)).toBe(false);
    expect(recorded.overflow).toBe(true);
  });

  it('Indexed: successes go into completedIndexes, failures without a valid index are released uncounted', () => {
    const pods = [pod('a', 'Succeeded', 2), pod('b', 'Failed', 1), pod('c', 'Failed', 7), pod('d', 'Succeeded', 0)];
    const recorded = recordTerminatedPods(job({ completedIndexes: '0' }, true), pods);
    expect([...(recorded.completedIndexes ?? [])].sort()).toEqual([0, 2]);
    expect(recorded.uncounted).toEqual({ succeeded: [], failed: ['b'] });
    expect(recorded.changed).toBe(true);
    expect([...recorded.releasable].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('countReleasedPods (step 3: count what no longer holds the finalizer)', () => {
  it.each([
    ['released pods move into the counters', new Set<string>(), { succeeded: 3, failed: 2 }, [], []],
    ['a pod still holding the finalizer stays uncounted', new Set(['b']), { succeeded: 3, failed: 1 }, [], ['b']],
  ] as const)('%s', (_, holding, counters, succeeded, failed) => {
    const result = countReleasedPods({ succeeded: 2, failed: 1 }, { succeeded: ['a'], failed: ['b'] }, holding);
    expect(result).toEqual({ ...counters, uncounted: { succeeded, failed } });
  });
});

describe('withJobTrackingFinalizer', () => {
  it('adds the finalizer to a copy of the template, once, keeping the template’s own', () => {
    const template = { metadata: { finalizers: ['example.com/keep'] }, spec: { containers: [] } };
    const tracked = withJobTrackingFinalizer(template);
    expect(tracked.metadata?.finalizers).toEqual(['example.com/keep', jobTrackingFinalizer]);
    expect(template.metadata.finalizers).toEqual(['example.com/keep']);
    expect(withJobTrackingFinalizer(tracked)).toBe(tracked);
  });
});
