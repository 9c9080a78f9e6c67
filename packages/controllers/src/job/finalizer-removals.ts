import type { Pod } from '@flotilla/core';
import { hasJobTrackingFinalizer } from './job-tracking.js';

/**
 * UIDs of pods whose tracking finalizer the Job controller removed but whose
 * removal the pod informer has not shown yet (Kubernetes'
 * `uidTrackingExpectations`). While the cache still shows such a pod with
 * the finalizer, the controller must not record it again: it may already be
 * counted, and recording it anew would count it twice.
 *
 * Guarantees: an entry goes when the informer shows the pod without the
 * finalizer or deleted, or when its Job is forgotten.
 *
 * Caveats: in memory only; a restarted controller starts empty, which is
 * safe because its fresh cache is no older than its own writes.
 */
export class FinalizerRemovals {
  private readonly byJob = new Map<string, Set<string>>();

  /** Notes that the finalizer of these pods of Job `key` is being removed. */
  expect(key: string, uids: readonly string[]): void {
    if (uids.length === 0) return;
    const set = this.byJob.get(key) ?? new Set<string>();
    for (const uid of uids) set.add(uid);
    this.byJob.set(key, set);
  }

  /** True while a removal from this pod is expected but not yet seen. */
  pending(key: string, uid: string): boolean {
    return this.byJob.get(key)?.has(uid) ?? false;
  }

  /** Drops one expectation: the removal failed, or the informer showed its result. */
  settle(key: string, uid: string): void {
    const set = this.byJob.get(key);
    set?.delete(uid);
    if (set?.size === 0) this.byJob.delete(key);
  }

  /** Feeds a pod informer event of Job `key`: a pod seen without the finalizer, or deleted, settles its entry. */
  observe(key: string, type: 'added' | 'updated' | 'deleted', pod: Readonly<Pod>): void {
    if (type === 'deleted' || !hasJobTrackingFinalizer(pod)) this.settle(key, pod.metadata.uid ?? '');
  }

  /** Forgets a Job that is gone. */
  forget(key: string): void {
    this.byJob.delete(key);
  }
}
