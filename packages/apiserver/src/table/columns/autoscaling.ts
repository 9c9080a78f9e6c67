import type { KubeObject } from '@flotilla/core';
import { column, type KindPrinter } from '../table.js';
import { ageColumn, count, nameColumn, valueAt } from './common.js';

interface MetricTarget {
  type?: string;
  averageUtilization?: number;
  averageValue?: string;
  value?: string;
}

interface HpaShape {
  spec?: {
    scaleTargetRef?: { kind?: string; name?: string };
    minReplicas?: number;
    maxReplicas?: number;
    metrics?: { type: string; resource?: { name: string; target?: MetricTarget } }[];
  };
  status?: {
    currentMetrics?: {
      type: string;
      resource?: { name: string; current?: { averageUtilization?: number; averageValue?: string } };
    }[];
  };
}

const hpa = (obj: KubeObject) => obj as unknown as HpaShape;

/** kubectl's TARGETS for resource metrics: `cpu: 40%/50%`, `<unknown>` until the autoscaler has measured. */
function targets(h: HpaShape): string {
  const metrics = h.spec?.metrics ?? [];
  if (metrics.length === 0) return '<none>';
  return metrics
    .map((m, i) => {
      if (m.type !== 'Resource' || !m.resource) return '<unknown>/<unknown>';
      const current = h.status?.currentMetrics?.[i]?.resource?.current;
      const target = m.resource.target ?? {};
      const want =
        target.averageUtilization !== undefined
          ? `${target.averageUtilization}%`
          : (target.averageValue ?? target.value ?? '<unknown>');
      const have =
        target.averageUtilization !== undefined
          ? current?.averageUtilization !== undefined
            ? `${current.averageUtilization}%`
            : '<unknown>'
          : (current?.averageValue ?? '<unknown>');
      return `${m.resource.name}: ${have}/${want}`;
    })
    .join(', ');
}

/** kubectl's HPA columns: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE. */
export const horizontalPodAutoscalerPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Reference', (obj) => {
      const ref = hpa(obj).spec?.scaleTargetRef ?? {};
      return `${ref.kind ?? ''}/${ref.name ?? ''}`;
    }),
    column('Targets', (obj) => targets(hpa(obj))),
    column('MinPods', (obj) => (valueAt(obj, ['spec', 'minReplicas']) as number | undefined) ?? 1, { type: 'integer' }),
    column('MaxPods', (obj) => count(obj, ['spec', 'maxReplicas']), { type: 'integer' }),
    column('Replicas', (obj) => count(obj, ['status', 'currentReplicas']), { type: 'integer' }),
    ageColumn,
  ],
};
