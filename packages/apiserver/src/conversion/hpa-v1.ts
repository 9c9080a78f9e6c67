import type { KubeObject } from '@flotilla/core';
import type { ServedVersion } from './served-version.js';

interface ResourceMetric {
  type: string;
  resource?: {
    name: string;
    target?: { type?: string; averageUtilization?: number };
    current?: { averageUtilization?: number };
  };
}

interface HpaV2Shape {
  spec?: { scaleTargetRef?: unknown; minReplicas?: number; maxReplicas?: number; metrics?: ResourceMetric[] } & Record<
    string,
    unknown
  >;
  status?: {
    observedGeneration?: number;
    lastScaleTime?: string;
    currentReplicas?: number;
    desiredReplicas?: number;
    currentMetrics?: ResourceMetric[];
  } & Record<string, unknown>;
}

interface HpaV1Shape {
  spec?: {
    scaleTargetRef?: unknown;
    minReplicas?: number;
    maxReplicas?: number;
    targetCPUUtilizationPercentage?: number;
  };
  status?: {
    observedGeneration?: number;
    lastScaleTime?: string;
    currentReplicas?: number;
    desiredReplicas?: number;
    currentCPUUtilizationPercentage?: number;
  };
}

const isCpu = (m: ResourceMetric) => m.type === 'Resource' && m.resource?.name === 'cpu';

/** Drops the keys whose value is undefined, so converted objects carry only what is set. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function toV2(obj: KubeObject): KubeObject {
  const { spec, status, ...rest } = obj as KubeObject & HpaV1Shape;
  const target = spec?.targetCPUUtilizationPercentage;
  const metrics: ResourceMetric[] | undefined =
    target === undefined
      ? undefined
      : [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }];
  const v2: KubeObject = { ...rest, apiVersion: 'autoscaling/v2' };
  if (spec)
    v2.spec = defined({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics,
    });
  if (status) {
    const current = status.currentCPUUtilizationPercentage;
    v2.status = defined({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas,
      desiredReplicas: status.desiredReplicas,
      currentMetrics:
        current === undefined
          ? undefined
          : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }],
    });
  }
  return v2;
}

function toV1(obj: KubeObject): KubeObject {
  const { spec, status, ...rest } = obj as KubeObject & HpaV2Shape;
  const v1: KubeObject = { ...rest, apiVersion: 'autoscaling/v1' };
  if (spec) {
    const cpu = spec.metrics?.find(isCpu)?.resource?.target?.averageUtilization;
    v1.spec = defined({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: cpu,
    });
  }
  if (status) {
    const cpu = status.currentMetrics?.find(isCpu)?.resource?.current?.averageUtilization;
    v1.status = defined({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: cpu,
    });
  }
  return v1;
}

/**
 * `autoscaling/v1` HorizontalPodAutoscaler over `autoscaling/v2` storage,
 * what `kubectl autoscale` posts: `targetCPUUtilizationPercentage` is the
 * v2 CPU Utilization metric. Caveat: v2-only fields (other metrics,
 * `behavior`, conditions) do not show in v1 and are kept only on writes
 * made in v2 (Kubernetes carries them in annotations).
 */
export const horizontalPodAutoscalerV1: ServedVersion = {
  group: 'autoscaling',
  version: 'v1',
  kind: 'HorizontalPodAutoscaler',
  toStored: toV2,
  fromStored: toV1,
};
