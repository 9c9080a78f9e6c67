import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../builders.js';
import { brief, filterAll, frameworkFor } from '../harness.js';

describe('NodeUnschedulable', () => {
  it.each([
    { name: 'schedulable node', node: makeNode('n'), pod: makePod('p'), want: 'Success' },
    {
      name: 'cordoned node',
      node: makeNode('n').unschedulable(),
      pod: makePod('p'),
      want: 'UnschedulableAndUnresolvable: node(s) were unschedulable',
    },
    {
      name: 'cordoned node, pod tolerates the unschedulable taint',
      node: makeNode('n').unschedulable(),
      pod: makePod('p').tolerate({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }),
      want: 'Success',
    },
  ])('$name', ({ node, pod, want }) => {
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeUnschedulable' }], [node.obj()]);
    expect(brief(filterAll(fwk, snapshot, pod.obj()).get('n'))).toBe(want);
  });
});

describe('NodeName', () => {
  it('lets a pod naming a node fit only there', () => {
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeName' }], [makeNode('a').obj(), makeNode('b').obj()]);
    const statuses = filterAll(fwk, snapshot, makePod('p').node('b').obj());
    expect(brief(statuses.get('a'))).toBe("UnschedulableAndUnresolvable: node(s) didn't match the requested node name");
    expect(brief(statuses.get('b'))).toBe('Success');
  });
});

describe('NodePorts', () => {
  const used = makePod('web').hostPort(8080).node('n').obj();
  const CONFLICT = "Unschedulable: node(s) didn't have free ports for the requested pod ports";
  it.each([
    { name: 'same port and protocol', pod: makePod('p').hostPort(8080), want: CONFLICT },
    { name: 'same port, other protocol', pod: makePod('p').hostPort(8080, 'UDP'), want: 'Success' },
    { name: 'other port', pod: makePod('p').hostPort(9090), want: 'Success' },
    { name: 'specific IP against 0.0.0.0', pod: makePod('p').hostPort(8080, 'TCP', '10.0.0.1'), want: CONFLICT },
    { name: 'no host ports', pod: makePod('p'), want: 'Success' },
  ])('$name', ({ pod, want }) => {
    const { fwk, snapshot } = frameworkFor([{ name: 'NodePorts' }], [makeNode('n').obj()], [used]);
    expect(brief(filterAll(fwk, snapshot, pod.obj()).get('n'))).toBe(want);
  });
});
