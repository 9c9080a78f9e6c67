import { isReason, type PersistentVolumeClaim, type Pod, type StatefulSet, type StatusReason } from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { messageOf } from '../controller-context/error-message.js';

/** One write the set makes, and how its Events read. */
interface RecordedWrite {
  verb: 'create' | 'delete';
  /** `Pod web-0` or `Claim data-web-0 Pod web-0`: what the Events name. */
  what: string;
  /** For a failure: `Claim data-web-0 for Pod web-0` (Kubernetes words claim failures so). */
  failedWhat?: string;
  /** Kubernetes ends claim successes with `success`, pod successes with `successful`. */
  success: 'success' | 'successful';
  /** The reason that means the write is already done (AlreadyExists for a create, NotFound for a delete). */
  done: StatusReason;
  write: () => Promise<unknown>;
}

/**
 * The writes of the StatefulSet controller with the Events Kubernetes'
 * `StatefulPodControl` records on the set: `SuccessfulCreate` /
 * `FailedCreate` (`create Pod web-0 in StatefulSet web successful`, `create
 * Claim data-web-0 Pod web-0 in StatefulSet web success`),
 * `SuccessfulDelete` / `FailedDelete`.
 *
 * Guarantees: a create that finds the object there, or a delete that finds
 * it gone, counts as done; any other failure is recorded and thrown.
 */
export class StatefulPodControl {
  constructor(private readonly ctx: ControllerContext) {}

  createPod(set: Readonly<StatefulSet>, pod: Pod): Promise<void> {
    return this.recorded(set, {
      verb: 'create',
      what: `Pod ${pod.metadata.name}`,
      success: 'successful',
      done: 'AlreadyExists',
      write: () => this.ctx.api.resource('Pod').create(pod),
    });
  }

  createClaim(set: Readonly<StatefulSet>, claim: PersistentVolumeClaim, pod: Readonly<Pod>): Promise<void> {
    return this.recorded(set, {
      verb: 'create',
      what: `Claim ${claim.metadata.name} Pod ${pod.metadata.name}`,
      failedWhat: `Claim ${claim.metadata.name} for Pod ${pod.metadata.name}`,
      success: 'success',
      done: 'AlreadyExists',
      write: () => this.ctx.api.resource('PersistentVolumeClaim').create(claim),
    });
  }

  /** Deletes the pod only if it is still the one seen (uid precondition). */
  deletePod(set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<void> {
    return this.recorded(set, {
      verb: 'delete',
      what: `Pod ${pod.metadata.name}`,
      success: 'successful',
      done: 'NotFound',
      write: () =>
        this.ctx.api
          .resource('Pod')
          .delete(pod.metadata.namespace ?? 'default', pod.metadata.name, { preconditions: { uid: pod.metadata.uid } }),
    });
  }

  private async recorded(set: Readonly<StatefulSet>, w: RecordedWrite): Promise<void> {
    const reason = w.verb === 'create' ? 'Create' : 'Delete';
    const where = `in StatefulSet ${set.metadata.name}`;
    try {
      await w.write();
    } catch (err) {
      if (isReason(err, w.done)) return;
      const message = `${w.verb} ${w.failedWhat ?? w.what} ${where} failed error: ${messageOf(err)}`;
      await this.ctx.events?.event(set, 'Warning', `Failed${reason}`, message);
      throw err;
    }
    await this.ctx.events?.event(set, 'Normal', `Successful${reason}`, `${w.verb} ${w.what} ${where} ${w.success}`);
  }
}
