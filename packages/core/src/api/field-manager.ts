import type { UserInfo } from '../authz/types.js';
import type { KubeObject } from '../model/meta.js';

/** One write, as a `FieldManager` records it. */
export interface ManagedWrite {
  /** Who wrote: the write's `fieldManager`, else the Api's default manager (see `Api.setFieldManager`). */
  manager: string;
  /** When, by the Api's clock. */
  now: Date;
  /** The subresource written through (`status`, `scale`), if any. */
  subresource?: string;
}

/**
 * Keeps `metadata.managedFields`: which manager set which fields, what
 * server-side apply reads to find conflicts. An Api given one
 * (`Api.setFieldManager`; an ApiServer gives its own) records with it every
 * create and update that names a `fieldManager` (every write over HTTP
 * does) and, when it was given a default manager, every other write too, as
 * kube-apiserver records every write: a controller's write then owns its
 * fields, and a later `kubectl apply --server-side` of them conflicts. Pod
 * binding is not recorded (Kubernetes records the Binding, not the Pod).
 */
export interface FieldManager {
  /**
   * `next` with `write` recorded against `live` (absent for a create): `next` changed in place, or a new object.
   * `next` is the write's own copy, which nothing else holds yet.
   */
  record(live: KubeObject | undefined, next: KubeObject, write: ManagedWrite): KubeObject;
}

/**
 * The manager of a write that names none (see `Api.setFieldManager`): one
 * name for every such write, or a name chosen by who made it (the write's
 * `requester`, else the user of the enclosing `api.as(user)`; `undefined`
 * for the Api's own trusted callers). Kubernetes names a write's manager
 * after the program that sent it (`kube-controller-manager`, `kubelet`,
 * `kube-scheduler`), and components here act as their own users, so the
 * user tells the program. A function answering `undefined` leaves that write
 * unrecorded.
 */
export type DefaultFieldManager = string | ((requester: UserInfo | undefined) => string | undefined);
