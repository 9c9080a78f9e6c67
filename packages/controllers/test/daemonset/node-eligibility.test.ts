import type { DaemonSet, Node, Taint } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { daemonPodTolerations, nodeEligibility, placeOnNode } from '../../src/daemonset/node-eligibility.js';

function node(name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } };
}

function ds(spec: Partial<DaemonSet['spec']['template']['spec']> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec } },
    },
  };
}

const yes = { shouldRun: true, shouldContinueRunning: true };
const no = { shouldRun: false, shouldContinueRunning: false };

describe('nodeEligibility (NodeShouldRunDaemonPod)', () => {
  it.each([
    ['plain node', ds(), node('n1'), yes],
    ['nodeSelector matches', ds({ nodeSelector: { disk: 'ssd' } }), node('n1', { disk: 'ssd' }), yes],
    ['nodeSelector does not match', ds({ nodeSelector: { disk: 'ssd' } }), node('n1', { disk: 'hdd' }), no],
    [
      'required affinity NotIn',
      ds({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['edge'] }] }],
            },
          },
        },
      }),
      node('n1', { role: 'edge' }),
      no,
    ],
    [
      'untolerated NoSchedule: no new pod, existing stays',
      ds(),
      node('n1', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]),
      { shouldRun: false, shouldContinueRunning: true },
    ],
    ['untolerated NoExecute: evicted', ds(), node('n1', {}, [{ key: 'dedicated', effect: 'NoExecute' }]), no],
    [
      'tolerated taint',
      ds({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db' }] }),
      node('n1', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]),
      yes,
    ],
    [
      'not-ready and unschedulable nodes are tolerated',
      ds(),
      node('n1', {}, [
        { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
      ]),
      yes,
    ],
    ['template pinned to another node', ds({ nodeName: 'n2' }), node('n1'), no],
  ])('%s', (_case, set, n, expected) => {
    expect(nodeEligibility(set, n)).toEqual(expected);
  });

  it('adds network-unavailable toleration only for host-network pods', () => {
    const keys = (hostNetwork: boolean) => daemonPodTolerations({ containers: [], hostNetwork }).map((t) => t.key);
    expect(keys(true)).toContain('node.kubernetes.io/network-unavailable');
    expect(keys(false)).not.toContain('node.kubernetes.io/network-unavailable');
  });

  it('pins the pod to its node with matchFields', () => {
    const spec = structuredClone(ds({ nodeSelector: { disk: 'ssd' } }).spec.template.spec);
    placeOnNode(spec, 'n7');
    expect(spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }],
    });
    expect(spec.nodeSelector).toEqual({ disk: 'ssd' });
  });
});
