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
async function main() {
  const result = await simulate({
    nodes: [node('a', '4', { disk: 'ssd' }), node('b', '2')],
    pods: [pod('db', '3', { disk: 'ssd' }), pod('web', '1'), pod('batch', '8')],
    seed: 1,
  });
  for (const p of result.placements) console.log(`${p.pod.metadata.name} -> node ${p.node}`);
  for (const u of result.unschedulable) console.log(`${u.pod.metadata.name}: unschedulable (${u.reasons.join(', ')})`);
}

main();
