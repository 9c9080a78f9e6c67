import type { KubeObject } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { horizontalPodAutoscalerV1 } from '../../src/conversion/hpa-v1.js';
import { servedApi } from '../server/served-api.js';

const v1 = {
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 5,
    targetCPUUtilizationPercentage: 60,
  },
} as KubeObject;

describe('autoscaling/v1 HorizontalPodAutoscaler served from autoscaling/v2 storage', () => {
  it('targetCPUUtilizationPercentage is the v2 CPU Utilization metric, both ways', () => {
    const v2 = horizontalPodAutoscalerV1.toStored(v1);
    expect(v2.apiVersion).toBe('autoscaling/v2');
    expect(v2.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      ],
    });
    expect(horizontalPodAutoscalerV1.fromStored(v2)).toEqual(v1);
  });

  it('status: the current CPU utilization comes back as currentCPUUtilizationPercentage', () => {
    const stored = {
      ...horizontalPodAutoscalerV1.toStored(v1),
      status: {
        currentReplicas: 2,
        desiredReplicas: 3,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 75 } } }],
        conditions: [{ type: 'AbleToScale', status: 'True' }],
      },
    } as KubeObject;
    expect(horizontalPodAutoscalerV1.fromStored(stored).status).toEqual({
      currentReplicas: 2,
      desiredReplicas: 3,
      currentCPUUtilizationPercentage: 75,
    });
  });

  it('over HTTP: created in v1, read in v2 and in v1; discovery lists both versions, v2 preferred', async () => {
    const s = await servedApi();
    try {
      const created = await s.json('POST', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers', v1);
      expect(created.status).toBe(201);
      expect(created.json.apiVersion).toBe('autoscaling/v1');
      const asV2 = (await s.json('GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web')).json;
      expect(asV2.spec.metrics[0].resource.target.averageUtilization).toBe(60);
      const list = (await s.json('GET', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers')).json;
      expect(list).toMatchObject({ kind: 'HorizontalPodAutoscalerList', apiVersion: 'autoscaling/v1' });
      expect(list.items[0].spec.targetCPUUtilizationPercentage).toBe(60);
      const patched = await s.json(
        'PATCH',
        '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web',
        { spec: { targetCPUUtilizationPercentage: 70 } },
        'application/merge-patch+json',
      );
      expect(patched.json.spec.targetCPUUtilizationPercentage).toBe(70);
      const group = (await s.json('GET', '/apis/autoscaling')).json;
      expect(group.versions.map((v: { version: string }) => v.version)).toEqual(['v2', 'v1']);
      expect(group.preferredVersion.version).toBe('v2');
    } finally {
      await s.close();
    }
  });
});
