import { mkdir } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { RuntimeError } from '../../cri/errors.js';
import type { VolumeSources } from './pod-volumes.js';

/**
 * The host directory behind a PersistentVolumeClaim: the claim must be
 * Bound, and its PersistentVolume must be a `hostPath` or `local` volume
 * (the only kinds a node agent without volume plugins can mount). A
 * `DirectoryOrCreate` hostPath is created if missing. PersistentVolumes are
 * cluster-scoped objects that administrators (or provisioners) create, so,
 * as in the kubelet, their paths are not held to the agent's
 * `allowedHostPaths`, which guards what pod authors write in `hostPath`.
 *
 * Every refusal is a RuntimeError whose message says what to do, so the
 * pod's containers wait with CreateContainerConfigError and a readable
 * message until the claim is bound.
 */
export async function persistentVolumePath(
  namespace: string,
  claimName: string,
  sources: VolumeSources,
): Promise<string> {
  const claim = await sources.persistentVolumeClaim(namespace, claimName);
  if (!claim) {
    throw new RuntimeError(
      'InvalidArgument',
      `persistentvolumeclaim "${namespace}/${claimName}" not found; create it (the pod waits until it exists and is bound)`,
    );
  }
  const volumeName = claim.spec.volumeName;
  if (!volumeName || claim.status?.phase !== 'Bound') {
    throw new RuntimeError(
      'InvalidArgument',
      `persistentvolumeclaim "${namespace}/${claimName}" is not bound (phase ${claim.status?.phase ?? 'Pending'}); create a matching PersistentVolume or run the volume binder, the pod waits until then`,
    );
  }
  const pv = await sources.persistentVolume(volumeName);
  if (!pv) {
    throw new RuntimeError(
      'InvalidArgument',
      `persistentvolume "${volumeName}" bound to claim "${namespace}/${claimName}" not found; recreate it or rebind the claim`,
    );
  }
  const path = pv.spec.hostPath?.path ?? pv.spec.local?.path;
  if (!path || !isAbsolute(path)) {
    throw new RuntimeError(
      'InvalidArgument',
      `persistentvolume "${volumeName}" is neither a hostPath nor a local volume with an absolute path; this node agent mounts only those`,
    );
  }
  if (pv.spec.hostPath?.type === 'DirectoryOrCreate') await mkdir(path, { recursive: true, mode: 0o755 });
  return path;
}
