import type { ClusterApi, Manager, PersistentVolume, PersistentVolumeClaim, Pod } from '@flotilla/core';
import { managerContext } from '../controller-context/controller-context.js';
import type { RegisterOptions } from '../replicaset/register.js';
import { ClaimReconciler, type VolumeBinderOptions } from './claim-controller.js';
import { VolumeReconciler } from './volume-controller.js';

/** Options of `registerVolumeBinderControllers`. */
export interface VolumeBinderRegisterOptions extends RegisterOptions, VolumeBinderOptions {}

/**
 * Adds the PersistentVolume binder (`persistentvolume-binder`): the claim
 * controller (woken by claims, by the volumes that name them, by pods
 * that mount them getting a node, and by StorageClass changes for pending claims) and the volume controller (woken by
 * volumes and by the claims they name).
 */
export function registerVolumeBinderControllers(
  manager: Manager<ClusterApi>,
  opts: VolumeBinderRegisterOptions = {},
): { claims: ClaimReconciler; volumes: VolumeReconciler } {
  const claims = new ClaimReconciler(
    managerContext(manager, 'persistentvolume-binder', 'persistentvolume-controller'),
    opts,
  );
  const volumes = new VolumeReconciler(
    managerContext(manager, 'persistentvolume-binder', 'persistentvolume-controller'),
    opts,
  );
  const claimCache = manager.informers.for<PersistentVolumeClaim>('PersistentVolumeClaim').cache;
  manager
    .controller('persistentvolumeclaim-binder')
    .for('PersistentVolumeClaim')
    .watches<PersistentVolume>('PersistentVolume', (pv) =>
      pv.spec.claimRef?.name ? [{ namespace: pv.spec.claimRef.namespace, name: pv.spec.claimRef.name }] : [],
    )
    .watches<Pod>('Pod', (pod) =>
      pod.spec.nodeName
        ? (pod.spec.volumes ?? []).flatMap((v) =>
            v.persistentVolumeClaim
              ? [{ namespace: pod.metadata.namespace, name: v.persistentVolumeClaim.claimName }]
              : [],
          )
        : [],
    )
    .watches('StorageClass', () =>
      claimCache
        .list()
        .filter((c) => c.status?.phase !== 'Bound')
        .map((c) => ({ namespace: c.metadata.namespace, name: c.metadata.name })),
    )
    .concurrency(opts.concurrency ?? 1)
    .reconcile(claims);
  manager
    .controller('persistentvolume-binder')
    .for('PersistentVolume')
    .watches<PersistentVolumeClaim>('PersistentVolumeClaim', (pvc) =>
      pvc.spec.volumeName ? [{ name: pvc.spec.volumeName }] : [],
    )
    .concurrency(opts.concurrency ?? 1)
    .reconcile(volumes);
  return { claims, volumes };
}
