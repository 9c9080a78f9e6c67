import {
  isReason,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type ReconcileRequest,
  type Reconciler,
} from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { messageOf } from '../controller-context/error-message.js';
import type { VolumeBinderOptions } from './claim-controller.js';
import type { VolumeProvisioner } from './provisioner.js';
import { PROVISIONED_BY_ANNOTATION } from './storage-class.js';

type Phase = NonNullable<NonNullable<PersistentVolume['status']>['phase']>;

/**
 * Kubernetes' PersistentVolume controller, volume side: keeps each
 * volume's phase and reclaims released ones.
 *
 * - no `claimRef`: Available;
 * - a `claimRef` whose claim exists (same uid, or no uid yet: pre-bound):
 *   Bound once the claim points back, else stays as is for the claim side;
 * - a `claimRef` whose claim is gone: Released, then by reclaim policy:
 *   Retain keeps it Released (an admin cleans up and clears the claimRef);
 *   Delete asks the provisioner that made it to delete the storage and
 *   deletes the volume, or marks it Failed when no provisioner can.
 *
 * Guarantees: level-triggered; a volume is never deleted while a claim it
 * names exists.
 */
export class VolumeReconciler implements Reconciler {
  private readonly provisioners: Map<string, VolumeProvisioner>;

  constructor(
    private readonly ctx: ControllerContext,
    options: VolumeBinderOptions = {},
  ) {
    this.provisioners = new Map((options.provisioners ?? []).map((p) => [p.name, p]));
  }

  async reconcile(req: ReconcileRequest): Promise<undefined> {
    const pv = this.ctx.informers.for<PersistentVolume>('PersistentVolume').cache.get(undefined, req.name);
    if (!pv || pv.metadata.deletionTimestamp) return undefined;
    const ref = pv.spec.claimRef;
    if (!ref?.name) return this.setPhase(pv, 'Available');
    const claim = this.ctx.informers
      .for<PersistentVolumeClaim>('PersistentVolumeClaim')
      .cache.get(ref.namespace ?? 'default', ref.name);
    const claimExists = claim !== undefined && (!ref.uid || claim.metadata.uid === ref.uid);
    if (claimExists) {
      if (claim.spec.volumeName === pv.metadata.name) await this.setPhase(pv, 'Bound');
      return undefined;
    }
    if (!ref.uid) return undefined; // pre-bound to a claim not created yet
    if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') await this.setPhase(pv, 'Released');
    if (pv.spec.persistentVolumeReclaimPolicy === 'Delete') await this.reclaimByDeleting(pv);
    return undefined;
  }

  private async reclaimByDeleting(pv: Readonly<PersistentVolume>): Promise<void> {
    const by = pv.metadata.annotations?.[PROVISIONED_BY_ANNOTATION];
    const provisioner = by ? this.provisioners.get(by) : undefined;
    if (!provisioner) {
      await this.setPhase(
        pv,
        'Failed',
        `no volume plugin matched: the Delete reclaim policy needs the provisioner "${by ?? '(none)'}" that made this volume; delete the storage and the volume by hand, or use Retain`,
      );
      return;
    }
    try {
      await provisioner.delete(pv);
    } catch (err) {
      await this.setPhase(
        pv,
        'Failed',
        `provisioner ${provisioner.name} failed to delete the volume: ${messageOf(err)}`,
      );
      throw err;
    }
    try {
      await this.ctx.api.resource('PersistentVolume').delete(pv.metadata.name);
    } catch (err) {
      if (!isReason(err, 'NotFound')) throw err;
    }
  }

  private async setPhase(pv: Readonly<PersistentVolume>, phase: Phase, message?: string): Promise<undefined> {
    if (pv.status?.phase === phase && pv.status?.message === message) return undefined;
    await this.ctx.api.resource('PersistentVolume').updateStatus({
      ...(structuredClone(pv) as PersistentVolume),
      status: { phase, ...(message ? { message } : {}) },
    });
    return undefined;
  }
}
