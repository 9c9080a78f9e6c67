import type { QueuedPodRef, QueueSortPlugin } from '../../framework/plugin.js';

/** Name of the PrioritySort plugin. */
export const PrioritySortName = 'PrioritySort';

/** Orders the active queue by priority (higher first), then by time in the queue (older first). */
export class PrioritySort implements QueueSortPlugin {
  readonly name = PrioritySortName;

  less(a: QueuedPodRef, b: QueuedPodRef): boolean {
    const pa = a.podInfo.priority;
    const pb = b.podInfo.priority;
    return pa !== pb ? pa > pb : a.timestamp < b.timestamp;
  }
}

/** Factory for the registry. */
export const newPrioritySort = (): PrioritySort => new PrioritySort();
