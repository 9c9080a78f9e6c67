import { MAX_NODE_SCORE } from './framework.js';
import type { NodeScore } from './plugin.js';
import { Status } from './status.js';

/**
 * kube-scheduler's DefaultNormalizeScore: scales scores so the best is 100
 * (`100 * s / max`); `reverse` flips them (`100 - s`), for plugins whose raw
 * score counts bad things. When every score is 0, reversed scores are all
 * 100 and plain ones stay 0.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean): Status {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  for (const s of scores) {
    let v = max === 0 ? 0 : Math.floor((MAX_NODE_SCORE * s.score) / max);
    if (reverse) v = MAX_NODE_SCORE - v;
    s.score = v;
  }
  return Status.success();
}
