import type { Toleration } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../builders.js';
import { brief, filterAll, frameworkFor, scoreAll } from '../harness.js';

describe('TaintToleration filter', () => {
  const tainted = makeNode('n').taint({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }).obj();
  it.each<{ name: string; tolerations: Toleration[]; want: string }>([
    {
      name: 'no toleration',
      tolerations: [],
      want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}',
    },
    {
      name: 'Equal with the value',
      tolerations: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
      want: 'Success',
    },
    {
      name: 'Equal is the default operator',
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }],
      want: 'Success',
    },
    { name: 'Exists on the key', tolerations: [{ key: 'dedicated', operator: 'Exists' }], want: 'Success' },
    { name: 'empty key with Exists tolerates everything', tolerations: [{ operator: 'Exists' }], want: 'Success' },
    {
      name: 'wrong value',
      tolerations: [{ key: 'dedicated', value: 'cpu' }],
      want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}',
    },
    {
      name: 'wrong effect',
      tolerations: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }],
      want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}',
    },
  ])('NoSchedule taint, $name', ({ tolerations, want }) => {
    const pod = makePod('p');
    for (const t of tolerations) pod.tolerate(t);
    const { fwk, snapshot } = frameworkFor([{ name: 'TaintToleration' }], [tainted]);
    expect(brief(filterAll(fwk, snapshot, pod.obj()).get('n'))).toBe(want);
  });

  it('rejects NoExecute taints too, and ignores PreferNoSchedule', () => {
    const nodes = [
      makeNode('exec').taint({ key: 'k', value: 'v', effect: 'NoExecute' }).obj(),
      makeNode('prefer').taint({ key: 'k', value: 'v', effect: 'PreferNoSchedule' }).obj(),
    ];
    const { fwk, snapshot } = frameworkFor([{ name: 'TaintToleration' }], nodes);
    const statuses = filterAll(fwk, snapshot, makePod('p').obj());
    expect(brief(statuses.get('exec'))).toBe('UnschedulableAndUnresolvable: node(s) had untolerated taint {k: v}');
    expect(brief(statuses.get('prefer'))).toBe('Success');
  });
});

describe('TaintToleration score', () => {
  it('prefers fewer untolerated PreferNoSchedule taints (normalized, reversed)', () => {
    const nodes = [
      makeNode('none').obj(),
      makeNode('one').taint({ key: 'a', effect: 'PreferNoSchedule' }).obj(),
      makeNode('two')
        .taint({ key: 'a', effect: 'PreferNoSchedule' })
        .taint({ key: 'b', effect: 'PreferNoSchedule' })
        .obj(),
      makeNode('tolerated').taint({ key: 'c', effect: 'PreferNoSchedule' }).obj(),
    ];
    const { fwk, snapshot } = frameworkFor([{ name: 'TaintToleration', weight: 3 }], nodes);
    const pod = makePod('p').tolerate({ key: 'c', operator: 'Exists', effect: 'PreferNoSchedule' }).obj();
    expect(scoreAll(fwk, snapshot, pod)).toEqual({ none: 300, one: 150, two: 0, tolerated: 300 });
  });
});
