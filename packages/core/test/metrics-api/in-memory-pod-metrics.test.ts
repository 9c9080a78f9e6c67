import { describe, expect, it } from 'vitest';
import { InMemoryPodMetrics, type PodMetrics } from '../../src/index.js';

function sample(namespace: string, name: string, cpu: string): PodMetrics {
  return {
    metadata: { namespace, name },
    timestamp: '2024-01-01T00:00:00Z',
    window: '15s',
    containers: [{ name: 'app', usage: { cpu, memory: '64Mi' } }],
  };
}

describe('InMemoryPodMetrics', () => {
  it('returns undefined for a pod until it has been sampled', () => {
    expect(new InMemoryPodMetrics().get('default', 'web-1')).toBeUndefined();
  });

  it('keeps one sample per pod: the last set wins', () => {
    const metrics = new InMemoryPodMetrics();
    metrics.set(sample('default', 'web-1', '100m'));
    metrics.set(sample('default', 'web-1', '300m'));
    expect(metrics.get('default', 'web-1')?.containers[0]?.usage.cpu).toBe('300m');
    expect(metrics.list()).toHaveLength(1);
  });

  it.each([
    { namespace: 'default', names: ['web-1', 'web-2'] },
    { namespace: 'batch', names: ['web-1'] },
    { namespace: 'empty', names: [] },
    { namespace: undefined, names: ['web-1', 'web-1', 'web-2'] },
  ])('lists the pods of namespace $namespace', ({ namespace, names }) => {
    const metrics = new InMemoryPodMetrics();
    metrics.set(sample('default', 'web-1', '100m'));
    metrics.set(sample('default', 'web-2', '100m'));
    metrics.set(sample('batch', 'web-1', '100m'));
    expect(
      metrics
        .list(namespace)
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(names);
  });

  it('keys by namespace and name, so equal names in two namespaces do not collide', () => {
    const metrics = new InMemoryPodMetrics();
    metrics.set(sample('a', 'web', '100m'));
    metrics.set(sample('b', 'web', '200m'));
    expect(metrics.get('a', 'web')?.containers[0]?.usage.cpu).toBe('100m');
    expect(metrics.get('b', 'web')?.containers[0]?.usage.cpu).toBe('200m');
  });

  it('forgets a deleted pod and leaves the others', () => {
    const metrics = new InMemoryPodMetrics();
    metrics.set(sample('default', 'web-1', '100m'));
    metrics.set(sample('default', 'web-2', '100m'));
    metrics.delete('default', 'web-1');
    expect(metrics.get('default', 'web-1')).toBeUndefined();
    expect(metrics.list().map((p) => p.metadata.name)).toEqual(['web-2']);
  });
});
