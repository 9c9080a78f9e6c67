import { type Expectations, isReason, type KubeObject, type Pod } from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { messageOf } from '../controller-context/error-message.js';
import { type SlowStartResult, slowStartBatch } from './slow-start.js';

/**
 * Creates and deletes a workload's pods the way every pod-owning controller
 * of Kubernetes does (`PodControl` plus expectations): creations in
 * slow-start batches, expectations raised before the writes and lowered for
 * writes that fail or are never made, and the Events Kubernetes records on
 * the owner (`SuccessfulCreate` / `FailedCreate`, `SuccessfulDelete` /
 * `FailedDelete`).
 *
 * Guarantees: never throws; failures come back as the first error, for the
 * caller to surface (a status condition, a retried sync). A pod already gone
 * when deleted counts as deleted.
 */
export class PodControl {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly expectations: Expectations,
  ) {}

  /** Creates `count` pods made by `make(i)` for the owner's `key`, stopping after the first failed batch. */
  async createPods(
    owner: Readonly<KubeObject>,
    key: string,
    count: number,
    make: (index: number) => Pod,
  ): Promise<SlowStartResult> {
    if (count <= 0) return { successes: 0, skipped: 0 };
    const pods = this.ctx.api.resource('Pod');
    this.expectations.expectCreations(key, count);
    const result = await slowStartBatch(count, 1, async (i) => {
      try {
        const created = await pods.create(make(i));
        await this.ctx.events?.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      } catch (err) {
        this.expectations.creationObserved(key);
        await this.ctx.events?.event(owner, 'Warning', 'FailedCreate', `Error creating: ${messageOf(err)}`);
        throw err;
      }
    });
    // Creations never issued will never be observed.
    for (let i = 0; i < result.skipped; i++) this.expectations.creationObserved(key);
    return result;
  }

  /** Deletes `victims` (each only if its uid still matches); returns the first error, if any. */
  async deletePods(owner: Readonly<KubeObject>, key: string, victims: readonly Readonly<Pod>[]): Promise<unknown> {
    if (victims.length === 0) return undefined;
    const pods = this.ctx.api.resource('Pod');
    this.expectations.expectDeletions(key, victims.length);
    const results = await Promise.allSettled(
      victims.map(async (p) => {
        try {
          await pods.delete(p.metadata.namespace ?? 'default', p.metadata.name, {
            preconditions: { uid: p.metadata.uid },
          });
          await this.ctx.events?.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (err) {
          this.expectations.deletionObserved(key);
          if (isReason(err, 'NotFound')) return;
          await this.ctx.events?.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${messageOf(err)}`);
          throw err;
        }
      }),
    );
    return results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
  }
}
