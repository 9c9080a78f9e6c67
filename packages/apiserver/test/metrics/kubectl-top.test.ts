import { MetricsApiPodMetrics } from '@flotilla/controllers';
import { RemoteApi } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceMetricsSource } from '../../src/index.js';
import { boundPod, NODE, type NodeAgentCluster, startCluster } from '../node-proxy/node-agent-cluster.js';
import { send } from '../server/served-api.js';

let cluster: NodeAgentCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** Pod `busy` (a quarter core, 64 MiB) in `default` and `idle` (10m, 16 MiB) in `other`, on a NodeAgent on FakeRuntime. */
async function withUsage(options: { metrics?: ResourceMetricsSource | false } = {}): Promise<NodeAgentCluster> {
  cluster = await startCluster(
    {
      'busy:v1': { usage: { cpuNanoCores: 250_000_000, memoryWorkingSetBytes: 64 << 20 } },
      'idle:v1': { usage: { cpuNanoCores: 10_000_000, memoryWorkingSetBytes: 16 << 20 } },
    },
    options,
  );
  const c = cluster;
  await c.api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  const busy = boundPod('busy', [{ name: 'app', image: 'busy:v1' }]);
  await c.api.resource('Pod').create({ ...busy, metadata: { ...busy.metadata, labels: { tier: 'web' } } });
  const idle = boundPod('idle', [{ name: 'app', image: 'idle:v1' }]);
  await c.api.resource('Pod').create({ ...idle, metadata: { name: 'idle', namespace: 'other' } });
  const running = async (ns: string, name: string) =>
    (await c.api.resource('Pod').get(ns, name)).status?.phase === 'Running';
  await c.until(async () => (await running('default', 'busy')) && (await running('other', 'idle')));
  return c;
}

/** kubectl's table as rows of cells. */
const rows = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));

describe('kubectl top through metrics.k8s.io/v1beta1 built from the node agents’ /stats/summary', () => {
  it('kubectl top pods shows each pod’s CPU and memory', async () => {
    const c = await withUsage();
    const run = await c.kubectl(['top', 'pods']);
    expect(run.code).toBe(0);
    expect(rows(run.stdout)).toEqual([
      ['NAME', 'CPU(cores)', 'MEMORY(bytes)'],
      ['busy', '250m', '64Mi'],
    ]);
    const all = await c.kubectl(['top', 'pods', '-A']);
    expect(rows(all.stdout).slice(1)).toEqual([
      ['default', 'busy', '250m', '64Mi'],
      ['other', 'idle', '10m', '16Mi'],
    ]);
    expect(rows((await c.kubectl(['top', 'pods', '-A', '-l', 'tier=web'])).stdout).slice(1)).toEqual([
      ['default', 'busy', '250m', '64Mi'],
    ]);
  });

  it('kubectl top nodes shows the node’s usage against its allocatable', async () => {
    const c = await withUsage();
    const run = await c.kubectl(['top', 'nodes']);
    expect(run.code).toBe(0);
    const [header, node] = rows(run.stdout);
    expect(header).toEqual(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
    expect(node).toEqual([NODE, '260m', '6%', '80Mi', '0%']);
  });

  it('serves get and list, namespaced and across namespaces, with 404 for what is not reported', async () => {
    const c = await withUsage();
    const base = '/apis/metrics.k8s.io/v1beta1';
    const one = await send(c.url, 'GET', `${base}/namespaces/default/pods/busy`);
    expect(one.json).toMatchObject({
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'busy', namespace: 'default', labels: { tier: 'web' } },
      window: '15s',
      containers: [{ name: 'app', usage: { cpu: '250000000n', memory: '65536Ki' } }],
    });
    const everywhere = await send(c.url, 'GET', `${base}/pods`);
    expect(everywhere.json.kind).toBe('PodMetricsList');
    expect(everywhere.json.items.map((p: { metadata: { name: string } }) => p.metadata.name).sort()).toEqual([
      'busy',
      'idle',
    ]);
    expect((await send(c.url, 'GET', `${base}/nodes/${NODE}`)).json).toMatchObject({
      kind: 'NodeMetrics',
      usage: { cpu: '260000000n' },
    });
    const missing = await send(c.url, 'GET', `${base}/namespaces/default/pods/ghost`);
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe('podmetrics.metrics.k8s.io "ghost" not found');
    expect((await send(c.url, 'DELETE', `${base}/nodes/${NODE}`)).status).toBe(405);
  });

  it('a pluggable source replaces the agents; metrics: false leaves the group out of discovery', async () => {
    const fixed: ResourceMetricsSource = {
      nodes: async () => [],
      pods: async () => [
        {
          metadata: { name: 'busy', namespace: 'default' },
          timestamp: '2026-01-01T00:00:00Z',
          window: '30s',
          containers: [{ name: 'app', usage: { cpu: '1', memory: '1Gi' } }],
        },
      ],
    };
    const c = await withUsage({ metrics: fixed });
    expect(rows((await c.kubectl(['top', 'pods'])).stdout)[1]).toEqual(['busy', '1000m', '1024Mi']);
    await c.stop();
    cluster = await withUsage({ metrics: false });
    const groups = (await send(cluster.url, 'GET', '/apis')).json.groups.map((g: { name: string }) => g.name);
    expect(groups).not.toContain('metrics.k8s.io');
    const top = await cluster.kubectl(['top', 'pods']);
    expect(top.code).not.toBe(0);
    expect(top.stderr).toContain('Metrics API not available');
  });

  it('the HPA’s default source reads the same PodMetrics through a RemoteApi', async () => {
    const c = await withUsage();
    const remote = new RemoteApi({ server: c.url });
    const source = new MetricsApiPodMetrics(remote);
    await source.refresh('default');
    expect(source.get('default', 'busy')?.containers).toEqual([
      { name: 'app', usage: { cpu: '250000000n', memory: '65536Ki' } },
    ]);
    expect(source.get('other', 'idle')).toBeUndefined();
    await remote.close();
  });
});
