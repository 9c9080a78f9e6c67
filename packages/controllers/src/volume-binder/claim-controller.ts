import {
  isReason,
  type Node,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type Pod,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  type StorageClass,
} from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import type { VolumeProvisioner } from './provisioner.js';
import {
  BIND_COMPLETED_ANNOTATION,
  BOUND_BY_CONTROLLER_ANNOTATION,
  PROVISIONED_BY_ANNOTATION,
  SELECTED_NODE_ANNOTATION,
  type StorageClassSpec,
} from './storage-class.js';
import { findBestVolume, volumeMatches } from './volume-matching.js';

/** Marks the class a claim without `storageClassName` gets (Kubernetes' annotation). */
export const DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
/** The provisioner name of classes whose volumes are made by hand (local volumes): nothing is provisioned. */
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** Options shared by the claim and volume controllers. */
export interface VolumeBinderOptions {
  /**
   * Storage classes by name, ahead of the StorageClass objects the Api
   * serves. A claim naming a class found in neither only binds to existing
   * volumes of that class.
   */
  storageClasses?: Record<string, StorageClassSpec>;
  /** Provisioners by their `name`, used by the classes that name them. */
  provisioners?: readonly VolumeProvisioner[];
}

/**
 * Kubernetes' PersistentVolume controller, claim side: binds each pending
 * PersistentVolumeClaim.
 *
 * - `spec.volumeName` set: bind to that volume if it matches (else wait).
 * - otherwise the best existing volume (`findBestVolume`: pre-bound, then
 *   smallest that fits class, access modes, capacity and selector);
 * - none, and the class names a provisioner: provision a volume
 *   `pvc-<claim uid>` pre-bound to the claim, with the class's reclaim
 *   policy;
 * - a `WaitForFirstConsumer` class waits until a node is chosen: the
 *   claim's `volume.kubernetes.io/selected-node` annotation, or the node of
 *   a pod that uses the claim; volumes must then be reachable from it.
 *
 * Classes come from the options or, failing that, from the served
 * StorageClass objects (`kubernetes.io/no-provisioner` provisions nothing).
 * A pending claim with no `storageClassName` at all is given the default
 * class (annotation `storageclass.kubernetes.io/is-default-class: "true"`;
 * the newest when several), as Kubernetes' retroactive default class
 * assignment does; `storageClassName: ""` keeps it classless.
 *
 * Binding writes the volume first (`claimRef`, phase Bound), then the claim
 * (`volumeName`, phase Bound, capacity, access modes), as Kubernetes does,
 * so a crash in between leaves a volume pre-bound to the claim that the
 * next sync completes.
 *
 * Guarantees: level-triggered and idempotent; a volume is bound to at most
 * one claim (the claimRef write is compare-and-swap on the volume).
 */
export class ClaimReconciler implements Reconciler {
  private readonly classes: Record<string, StorageClassSpec>;
  private readonly provisioners: Map<string, VolumeProvisioner>;

  constructor(
    private readonly ctx: ControllerContext,
    options: VolumeBinderOptions = {},
  ) {
    this.classes = options.storageClasses ?? {};
    this.provisioners = new Map((options.provisioners ?? []).map((p) => [p.name, p]));
  }

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const ns = req.namespace ?? 'default';
    const claim = this.ctx.informers.for<PersistentVolumeClaim>('PersistentVolumeClaim').cache.get(ns, req.name);
    if (!claim || claim.metadata.deletionTimestamp) return undefined;
    const volumes = this.ctx.informers.for<PersistentVolume>('PersistentVolume').cache;
    if (claim.status?.phase === 'Bound') {
      const bound = claim.spec.volumeName ? volumes.get(undefined, claim.spec.volumeName) : undefined;
      if (!bound || bound.spec.claimRef?.uid !== claim.metadata.uid) await this.markLost(claim);
      return undefined;
    }
    if (claim.spec.storageClassName === undefined && !claim.spec.volumeName) {
      const fallback = this.defaultClass();
      if (fallback) {
        await this.ctx.api
          .resource('PersistentVolumeClaim')
          .patch(claim.metadata.namespace ?? 'default', claim.metadata.name, {
            spec: { storageClassName: fallback },
          });
        return undefined;
      }
    }
    const className = claim.spec.storageClassName ?? '';
    const storageClass = this.classes[className] ?? this.servedClass(className);
    let node: Readonly<Node> | null | undefined;
    if (storageClass?.volumeBindingMode === 'WaitForFirstConsumer' && !claim.spec.volumeName) {
      const nodeName = this.selectedNode(claim);
      if (!nodeName) return undefined; // a pod using the claim will wake us when it gets a node
      node = this.ctx.informers.for<Node>('Node').cache.get(undefined, nodeName) ?? null;
    }

    let volume: Readonly<PersistentVolume> | undefined;
    if (claim.spec.volumeName) {
      volume = volumes.get(undefined, claim.spec.volumeName);
      if (!volume || !volumeMatches(volume, claim)) return undefined; // wait for it to appear or be released
    } else {
      volume = findBestVolume(claim, volumes.list(), node);
    }
    if (!volume) {
      if (storageClass?.provisioner)
        await this.provision(claim, className, storageClass, node?.metadata.name ?? this.selectedNode(claim));
      return undefined;
    }
    await this.bind(volume, claim);
    return undefined;
  }

  /** A served StorageClass as the binder needs it. */
  private servedClass(name: string): StorageClassSpec | undefined {
    if (!name || !this.ctx.api.registry.find('StorageClass')) return undefined;
    const sc = this.ctx.informers.for<StorageClass>('StorageClass').cache.get(undefined, name);
    if (!sc) return undefined;
    return {
      provisioner: sc.provisioner === NO_PROVISIONER ? undefined : sc.provisioner,
      volumeBindingMode: sc.volumeBindingMode,
      reclaimPolicy: sc.reclaimPolicy,
      parameters: sc.parameters,
    };
  }

  /** The default StorageClass's name: the newest class annotated as default, as Kubernetes picks. */
  private defaultClass(): string | undefined {
    if (!this.ctx.api.registry.find('StorageClass')) return undefined;
    const defaults = this.ctx.informers
      .for<StorageClass>('StorageClass')
      .cache.list()
      .filter((c) => c.metadata.annotations?.[DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true')
      .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
    return defaults[0]?.metadata.name;
  }

  /** The node chosen for the claim: its annotation, or the node of a pod that mounts it. */
  private selectedNode(claim: Readonly<PersistentVolumeClaim>): string | undefined {
    const annotated = claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
    if (annotated) return annotated;
    const pods = this.ctx.informers.for<Pod>('Pod').cache.list({ namespace: claim.metadata.namespace });
    return pods.find(
      (p) => p.spec.nodeName && p.spec.volumes?.some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name),
    )?.spec.nodeName;
  }

  private async bind(volume: Readonly<PersistentVolume>, claim: Readonly<PersistentVolumeClaim>): Promise<void> {
    const pvs = this.ctx.api.resource('PersistentVolume');
    let pv = structuredClone(volume) as PersistentVolume;
    if (pv.spec.claimRef?.uid !== claim.metadata.uid) {
      const byController = !pv.spec.claimRef;
      pv.spec.claimRef = {
        kind: 'PersistentVolumeClaim',
        apiVersion: 'v1',
        namespace: claim.metadata.namespace,
        name: claim.metadata.name,
        uid: claim.metadata.uid,
      };
      if (byController)
        pv.metadata.annotations = { ...pv.metadata.annotations, [BOUND_BY_CONTROLLER_ANNOTATION]: 'yes' };
      pv = await pvs.update(pv);
    }
    if (pv.status?.phase !== 'Bound') pv = await pvs.updateStatus({ ...pv, status: { phase: 'Bound' } });

    const pvcs = this.ctx.api.resource('PersistentVolumeClaim');
    let pvc = structuredClone(claim) as PersistentVolumeClaim;
    if (pvc.spec.volumeName !== pv.metadata.name || pvc.metadata.annotations?.[BIND_COMPLETED_ANNOTATION] !== 'yes') {
      const byController = !pvc.spec.volumeName;
      pvc.spec.volumeName = pv.metadata.name;
      pvc.metadata.annotations = {
        ...pvc.metadata.annotations,
        [BIND_COMPLETED_ANNOTATION]: 'yes',
        ...(byController ? { [BOUND_BY_CONTROLLER_ANNOTATION]: 'yes' } : {}),
      };
      pvc = await pvcs.update(pvc);
    }
    await pvcs.updateStatus({
      ...pvc,
      status: { ...pvc.status, phase: 'Bound', accessModes: pv.spec.accessModes, capacity: pv.spec.capacity },
    });
    await this.ctx.events?.event(claim, 'Normal', 'Bound', `bound to volume ${pv.metadata.name}`);
  }

  private async provision(
    claim: Readonly<PersistentVolumeClaim>,
    className: string,
    storageClass: StorageClassSpec,
    selectedNode: string | undefined,
  ): Promise<void> {
    const provisioner = this.provisioners.get(storageClass.provisioner ?? '');
    if (!provisioner) {
      await this.ctx.events?.event(
        claim,
        'Warning',
        'ProvisioningFailed',
        `no provisioner named "${storageClass.provisioner}" is registered; pass it in the controller's provisioners`,
      );
      return;
    }
    const volumeName = `pvc-${claim.metadata.uid}`;
    const source = await provisioner.provision({
      volumeName,
      claim,
      storageClassName: className,
      storageClass,
      selectedNode,
    });
    try {
      await this.ctx.api.resource('PersistentVolume').create({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: volumeName, annotations: { [PROVISIONED_BY_ANNOTATION]: provisioner.name } },
        spec: {
          ...source,
          capacity: { storage: claim.spec.resources?.requests?.storage ?? '0' },
          accessModes: claim.spec.accessModes,
          persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
          storageClassName: className,
          volumeMode: claim.spec.volumeMode ?? 'Filesystem',
          claimRef: {
            kind: 'PersistentVolumeClaim',
            apiVersion: 'v1',
            namespace: claim.metadata.namespace,
            name: claim.metadata.name,
            uid: claim.metadata.uid,
          },
        },
      });
    } catch (err) {
      if (!isReason(err, 'AlreadyExists')) throw err;
    }
    await this.ctx.events?.event(
      claim,
      'Normal',
      'ProvisioningSucceeded',
      `Successfully provisioned volume ${volumeName}`,
    );
  }

  private async markLost(claim: Readonly<PersistentVolumeClaim>): Promise<void> {
    if (claim.status?.phase === 'Lost') return;
    await this.ctx.api.resource('PersistentVolumeClaim').updateStatus({
      ...(structuredClone(claim) as PersistentVolumeClaim),
      status: { ...claim.status, phase: 'Lost' },
    });
    await this.ctx.events?.event(
      claim,
      'Warning',
      'ClaimLost',
      `Bound claim has lost its PersistentVolume ${claim.spec.volumeName}`,
    );
  }
}
