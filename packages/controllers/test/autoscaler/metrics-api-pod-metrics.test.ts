import { Api, type KubeObject, MemoryStore } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { MetricsApiPodMetrics } from '../../src/index.js';

/** An Api stand-in serving `PodMetrics` lists by namespace, as a RemoteApi over metrics.k8s.io does. */
function servingPodMetrics(byNamespace: Record<string, KubeObject[]>) {
  const asked: (string | undefined)[] = [];
  return {
    asked,
    resource: (kind: string) => {
      if (kind !== 'PodMetrics') throw new Error(`unexpected kind ${kind}`);
      return {
        list: async ({ namespace }: { namespace?: string }) => {
          asked.push(namespace);
          return { items: byNamespace[namespace ?? ''] ?? [] };
        },
      };
    },
  };
}

const sample = (namespace: string, name: string, cpu: string) =>
  ({
    apiVersion: 'metrics.k8s.io/v1beta1',
    kind: 'PodMetrics',
    metadata: { name, namespace },
    timestamp: '2026-01-01T00:00:00Z',
    window: '15s',
    containers: [{ name: 'app', usage: { cpu, memory: '64Mi' } }],
  }) as unknown as KubeObject;

describe('MetricsApiPodMetrics: the HPA’s default source reads metrics.k8s.io through the Api', () => {
  it('answers get and list from the last refresh of each namespace only', async () => {
    const api = servingPodMetrics({
      default: [sample('default', 'web-1', '250m')],
      other: [sample('other', 'x', '1')],
    });
    // biome-ignore lint/suspicious/noExplicitAny: the stand-in has only the list the source calls
    const source = new MetricsApiPodMetrics(api as any);
    expect(source.get('default', 'web-1')).toBeUndefined();
    await source.refresh('default');
    expect(api.asked).toEqual(['default']);
    expect(source.get('default', 'web-1')?.containers).toEqual([
      { name: 'app', usage: { cpu: '250m', memory: '64Mi' } },
    ]);
    expect(source.list('default').map((p) => p.metadata.name)).toEqual(['web-1']);
    expect(source.get('other', 'x')).toBeUndefined();
    expect(source.list().length).toBe(1);
  });

  it('rejects on an Api that does not serve PodMetrics (the in-process Api), leaving nothing to read', async () => {
    const store = new MemoryStore();
    const api = new Api({ store });
    const source = new MetricsApiPodMetrics(api);
    await expect(source.refresh('default')).rejects.toThrow();
    expect(source.list('default')).toEqual([]);
    await api.close();
    await store.close();
  });
});
