import type { Namespace, PersistentVolume, PersistentVolumeClaim, Secret } from '../model/core-v1.js';

/** Namespace: the `kubernetes` finalizer (the namespace controller empties it before it goes), phase Active. */
export function defaultNamespace(ns: Namespace): void {
  ns.spec ??= {};
  ns.spec.finalizers ??= ['kubernetes'];
  ns.status ??= {};
  ns.status.phase ??= 'Active';
}

/** PersistentVolume: reclaim policy Retain, volume mode Filesystem, phase Pending. */
export function defaultPersistentVolume(pv: PersistentVolume): void {
  if (!pv.spec) return;
  pv.spec.persistentVolumeReclaimPolicy ??= 'Retain';
  pv.spec.volumeMode ??= 'Filesystem';
  pv.status ??= {};
  pv.status.phase ??= 'Pending';
}

/** PersistentVolumeClaim: volume mode Filesystem, phase Pending. */
export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  if (!pvc.spec) return;
  pvc.spec.volumeMode ??= 'Filesystem';
  pvc.status ??= {};
  pvc.status.phase ??= 'Pending';
}

/**
 * Secret: type Opaque; `stringData` (plain text, a write-only convenience)
 * is base64-encoded into `data`, overriding keys present in both, and removed.
 */
export function defaultSecret(secret: Secret): void {
  secret.type ??= 'Opaque';
  if (secret.stringData) {
    const data = { ...secret.data };
    for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    secret.data = data;
    delete secret.stringData;
  }
}
