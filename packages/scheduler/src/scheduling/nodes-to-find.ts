/** Below this many nodes every node is searched. */
const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** The adaptive percentage never drops below this. */
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
/** The adaptive percentage at zero nodes; it falls by 1 per 125 nodes. */
const BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50;

/**
 * How many feasible nodes a cycle looks for before it stops filtering:
 * every node below 100 nodes; otherwise `percentage` of them (adaptive
 * `max(5, 50 - nodes/125)` when not set), but at least 100.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore?: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentageOfNodesToScore ?? 0;
  if (pct >= 100) return numAllNodes;
  if (pct <= 0) {
    pct = Math.max(
      MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND,
      BASE_PERCENTAGE_OF_NODES_TO_SCORE - Math.trunc(numAllNodes / 125),
    );
  }
  const n = Math.trunc((numAllNodes * pct) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}
