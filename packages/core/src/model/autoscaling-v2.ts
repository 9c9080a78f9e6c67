import type { QuantityValue } from './core-v1.js';
import type { Condition, KubeObject } from './meta.js';

/** What a metric is compared against. */
export interface MetricTarget {
  type: 'Utilization' | 'Value' | 'AverageValue';
  averageUtilization?: number;
  averageValue?: QuantityValue;
  value?: QuantityValue;
}

/** One metric an HPA scales on. Flotilla computes `Resource` metrics (cpu, memory) and `Pods` metrics. */
export interface MetricSpec {
  type: 'Resource' | 'Pods' | 'Object' | 'External' | 'ContainerResource';
  resource?: { name: string; target: MetricTarget };
  containerResource?: { name: string; container: string; target: MetricTarget };
  pods?: { metric: { name: string }; target: MetricTarget };
}

/** One scaling policy: change by at most `value` pods or percent per `periodSeconds`. */
export interface HPAScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

/** Scaling rules for one direction. */
export interface HPAScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: HPAScalingPolicy[];
  tolerance?: QuantityValue;
}

/** Scales a workload's replicas from observed metrics. */
export interface HorizontalPodAutoscaler extends KubeObject {
  apiVersion: 'autoscaling/v2';
  kind: 'HorizontalPodAutoscaler';
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: MetricSpec[];
    behavior?: { scaleUp?: HPAScalingRules; scaleDown?: HPAScalingRules };
  };
  status?: {
    observedGeneration?: number;
    lastScaleTime?: string;
    currentReplicas?: number;
    desiredReplicas?: number;
    currentMetrics?: {
      type: MetricSpec['type'];
      resource?: {
        name: string;
        current: { averageUtilization?: number; averageValue?: QuantityValue; value?: QuantityValue };
      };
      pods?: { metric: { name: string }; current: { averageValue?: QuantityValue } };
    }[];
    conditions?: Condition[];
  };
}
