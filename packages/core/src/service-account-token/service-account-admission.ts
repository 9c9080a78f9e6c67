import { randomBytes } from 'node:crypto';
import type { AdmissionHook, ResourceClient } from '../api/types.js';
import { ForbiddenError, isReason } from '../errors/api-errors.js';
import type { Pod, ServiceAccount, Volume } from '../model/core-v1.js';

/** Where Kubernetes mounts a pod's service account token, CA and namespace. */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The ConfigMap (published in every namespace) holding the cluster CA as `ca.crt`. */
export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
/** The lifetime the admission asks for: an hour plus 7 s, as Kubernetes' admission does (its mark of a kubelet token). */
export const PROJECTED_TOKEN_EXPIRATION_SECONDS = 3607;

/** Kubernetes' names for the volume: `kube-api-access-` and five random lowercase alphanumerics. */
function volumeName(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return `kube-api-access-${[...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** The projected volume Kubernetes' ServiceAccount admission adds: token, `ca.crt` and `namespace`. */
function apiAccessVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: PROJECTED_TOKEN_EXPIRATION_SECONDS } },
        // Optional here (required in Kubernetes): Flotilla publishes no root CA ConfigMap by itself.
        { configMap: { name: ROOT_CA_CONFIG_MAP, items: [{ key: 'ca.crt', path: 'ca.crt' }], optional: true } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    },
  };
}

/**
 * Kubernetes' ServiceAccount admission plugin (mutating, on Pod create): the
 * pod's `serviceAccountName` defaults to `default` and must exist; unless
 * the pod (or, when the pod does not say, its ServiceAccount) sets
 * `automountServiceAccountToken: false`, or a container already mounts
 * something at `/var/run/secrets/kubernetes.io/serviceaccount`, a projected
 * `kube-api-access-xxxxx` volume (a bound token requested for 3607 s,
 * `ca.crt` from the `kube-root-ca.crt` ConfigMap, the `namespace` file) is
 * added and mounted read-only there in every container and init container.
 */
export function serviceAccountAdmission(accounts: () => ResourceClient<ServiceAccount>): AdmissionHook {
  return {
    name: 'ServiceAccount',
    phase: 'mutating',
    kinds: ['Pod'],
    operations: ['CREATE'],
    async admit(req) {
      const pod = req.object as Pod;
      const namespace = pod.metadata.namespace ?? 'default';
      pod.spec.serviceAccountName ||= 'default';
      let account: ServiceAccount;
      try {
        account = await accounts().get(namespace, pod.spec.serviceAccountName);
      } catch (err) {
        if (!isReason(err, 'NotFound')) throw err;
        throw new ForbiddenError(
          `pods "${pod.metadata.name}" is forbidden: error looking up service account ${namespace}/${pod.spec.serviceAccountName}: serviceaccount "${pod.spec.serviceAccountName}" not found`,
        );
      }
      const automount = pod.spec.automountServiceAccountToken ?? account.automountServiceAccountToken ?? true;
      if (!automount) return;
      const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
      if (containers.some((c) => c.volumeMounts?.some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH))) return;
      const volume = apiAccessVolume(volumeName());
      pod.spec.volumes = [...(pod.spec.volumes ?? []), volume];
      for (const c of containers) {
        c.volumeMounts = [
          ...(c.volumeMounts ?? []),
          { name: volume.name, mountPath: SERVICE_ACCOUNT_MOUNT_PATH, readOnly: true },
        ];
      }
    },
  };
}
