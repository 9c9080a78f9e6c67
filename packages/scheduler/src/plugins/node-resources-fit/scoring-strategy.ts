import type { FieldError } from '@flotilla/core';
import { MAX_NODE_SCORE } from '../../framework/framework.js';

/** A resource and its weight in a resource score. */
export interface ResourceSpec {
  name: string;
  weight: number;
}

/** A point of RequestedToCapacityRatio's piecewise-linear shape: utilization 0..100 to score 0..10. */
export interface UtilizationShapePoint {
  utilization: number;
  score: number;
}

/** How NodeResourcesFit scores, as kube-scheduler's `ScoringStrategy`. */
export type ScoringStrategy =
  | { type: 'LeastAllocated'; resources?: ResourceSpec[] }
  | { type: 'MostAllocated'; resources?: ResourceSpec[] }
  | { type: 'RequestedToCapacityRatio'; resources?: ResourceSpec[]; shape: UtilizationShapePoint[] };

/** cpu and memory, weight 1 each: kube-scheduler's default. */
export const DEFAULT_SCORED_RESOURCES: readonly ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** Scores one resource given what would be requested (with the pod) and the node's allocatable. */
export type ResourceScorer = (requested: number, allocatable: number) => number;

const leastAllocated: ResourceScorer = (req, alloc) =>
  req > alloc ? 0 : Math.floor(((alloc - req) * MAX_NODE_SCORE) / alloc);

const mostAllocated: ResourceScorer = (req, alloc) => Math.floor((Math.min(req, alloc) * MAX_NODE_SCORE) / alloc);

/** The piecewise-linear function through `shape`, scaled from 0..10 to 0..100. */
function requestedToCapacityRatio(shape: UtilizationShapePoint[]): ResourceScorer {
  const points = [...shape]
    .sort((a, b) => a.utilization - b.utilization)
    .map((p) => ({ x: p.utilization, y: (p.score * MAX_NODE_SCORE) / 10 }));
  return (req, alloc) => {
    const u = req > alloc ? 100 : Math.floor((req * 100) / alloc);
    if (u <= points[0].x) return points[0].y;
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1];
      const b = points[i];
      if (u <= b.x) return Math.floor(a.y + ((b.y - a.y) * (u - a.x)) / (b.x - a.x));
    }
    return points[points.length - 1].y;
  };
}

/** The per-resource scorer for a strategy. */
export function scorerFor(strategy: ScoringStrategy): ResourceScorer {
  switch (strategy.type) {
    case 'LeastAllocated':
      return leastAllocated;
    case 'MostAllocated':
      return mostAllocated;
    case 'RequestedToCapacityRatio':
      return requestedToCapacityRatio(strategy.shape);
  }
}

const STRATEGIES = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'];

/**
 * Field errors of NodeResourcesFit's args (kube-scheduler's
 * ValidateNodeResourcesFitArgs): a known strategy; resource weights 1..100;
 * for RequestedToCapacityRatio a shape of points with utilization 0..100
 * strictly increasing and score 0..10. Paths are relative to the args.
 */
export function validateNodeResourcesFitArgs(args: {
  scoringStrategy?: ScoringStrategy;
  ignoredResources?: string[];
}): FieldError[] {
  const errors: FieldError[] = [];
  const s = args.scoringStrategy;
  if (!s) return errors;
  if (!STRATEGIES.includes(s.type)) {
    errors.push({
      field: 'scoringStrategy.type',
      message: `Unsupported value: "${s.type}": supported values: ${STRATEGIES.map((t) => `"${t}"`).join(', ')}`,
    });
    return errors;
  }
  (s.resources ?? []).forEach((r, i) => {
    if (!Number.isInteger(r.weight) || r.weight < 1 || r.weight > MAX_NODE_SCORE) {
      errors.push({
        field: `scoringStrategy.resources[${i}].weight`,
        message: `Invalid value: ${r.weight}: resource weight of ${r.name} should be in the range 1-${MAX_NODE_SCORE}`,
      });
    }
  });
  if (s.type !== 'RequestedToCapacityRatio') return errors;
  const shape = s.shape ?? [];
  if (shape.length === 0)
    errors.push({ field: 'scoringStrategy.shape', message: 'Required value: at least one point must be specified' });
  shape.forEach((p, i) => {
    const at = `scoringStrategy.shape[${i}]`;
    if (!(p.utilization >= 0 && p.utilization <= 100)) {
      errors.push({
        field: `${at}.utilization`,
        message: `Invalid value: ${p.utilization}: not in valid range [0, 100]`,
      });
    } else if (i > 0 && !(p.utilization > shape[i - 1].utilization)) {
      errors.push({
        field: `${at}.utilization`,
        message: `Invalid value: ${p.utilization}: values must be sorted in increasing order`,
      });
    }
    if (!(p.score >= 0 && p.score <= 10)) {
      errors.push({ field: `${at}.score`, message: `Invalid value: ${p.score}: not in valid range [0, 10]` });
    }
  });
  return errors;
}
