import type { Node, Pod } from '@flotilla/core';
import { simulate } from '@flotilla/scheduler';

const node = (name: string, cpu: string, labels: Record<string, string> = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  spec: {},
  status: { allocatable: { cpu, memory: '16Gi', pods: '110' } },
});

const pod = (name: string, cpu: string, nodeSelector?: Record<string, string>): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeSelector, containers: [{ name: 'main', image: 'app', resources: { requests: { cpu } } }] },
});

/** kube-scheduler's framework and plugins on plain lists: no store, no cluster. */
export async function main() {
  const result = await simulate({
    nodes: [node('a', '4', { disk: 'ssd' }), node('b', '2')],
    pods: [pod('db', '3', { disk: 'ssd' }), pod('web', '1'), pod('batch', '8')],
    seed: 1,
  });
  return {
    placements: Object.fromEntries(result.placements.map((p) => [p.pod.metadata.name, p.node])),
    unschedulable: result.unschedulable.map((u) => `${u.pod.metadata.name}: ${u.reasons.join(', ')}`),
  };
}
