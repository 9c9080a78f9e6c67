import { mkdir, rm } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Volume } from '@flotilla/core';
import { RuntimeError } from '../../cri/errors.js';
import type { Mount } from '../../cri/messages.js';
import { type ProjectedFile, writeProjection } from './atomic-projection.js';
import { downwardApiFile } from './downward-api-files.js';
import { persistentVolumePath } from './persistent-volume-path.js';
import type { ServiceAccountTokenProjection, ServiceAccountTokens } from './service-account-tokens.js';

/** Reads the objects that volumes refer to. */
export interface VolumeSources {
  /** The ConfigMap a volume projects, or undefined if it does not exist. */
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  /** The Secret a volume projects, or undefined if it does not exist. */
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /** The claim a volume names, or undefined if it does not exist. */
  persistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  /** The volume a bound claim points to, or undefined if it does not exist. */
  persistentVolume(name: string): Promise<PersistentVolume | undefined>;
}

/**
 * A `projected` volume (core types it loosely): ConfigMap, Secret and
 * downwardAPI sources merged into one directory.
 */
interface ProjectedVolume {
  sources?: {
    configMap?: NonNullable<Volume['configMap']>;
    secret?: Omit<NonNullable<Volume['secret']>, 'secretName'> & { name: string };
    downwardAPI?: Volume['downwardAPI'];
    serviceAccountToken?: ServiceAccountTokenProjection;
  }[];
  defaultMode?: number;
}

/** Options for `PodVolumes`. */
export interface PodVolumesOptions {
  /** Where per-pod directories live (`<root>/pods/<uid>/volumes/<name>`). */
  root: string;
  /** hostPath volumes must lie under one of these directories; default none (hostPath refused). */
  allowedHostPaths?: string[];
  /** Tokens for `serviceAccountToken` projections, refreshed at 80% of their lifetime. */
  tokens?: ServiceAccountTokens;
}

/**
 * A file name inside a volume: relative, no `..` and no leading `..` (those
 * names belong to the atomic writer), so a key cannot write outside the
 * volume or over its bookkeeping.
 */
function safeRelative(path: string, what: string): string {
  const clean = normalize(path);
  if (path === '' || isAbsolute(path) || clean.split(sep).some((part) => part.startsWith('..'))) {
    throw new RuntimeError(
      'InvalidArgument',
      `${what} "${path}" must be a relative path, none of its parts starting with ".."`,
    );
  }
  return clean;
}

const NO_VOLUMES: ReadonlyMap<string, string> = new Map();

/**
 * The kubelet's volume manager for host directories: emptyDir is a per-pod
 * directory shared by the pod's containers and removed with the pod;
 * ConfigMap, Secret, downwardAPI and projected volumes (those three
 * sources in one directory) are files written per pod (Secret values
 * base64-decoded) with the kubelet's atomic writer;
 * hostPath is passed through only under an allowed prefix; a
 * persistentVolumeClaim is the path of the hostPath / local
 * PersistentVolume it is bound to.
 *
 * Guarantees: `setUp` is idempotent, so calling it again on a running pod
 * (the agent's periodic resync does) refreshes ConfigMap, Secret and
 * downwardAPI files in place, atomically, and touches nothing that did not
 * change.
 *
 * Caveats: files change only when `setUp` runs again (the kubelet's
 * periodic sync, not a watch); `subPath` mounts keep the file they started
 * with.
 */
export class PodVolumes {
  constructor(private readonly options: PodVolumesOptions) {}

  /** Prepares every volume of the pod; returns the host path of each volume by name. */
  async setUp(pod: Pod, sources: VolumeSources): Promise<ReadonlyMap<string, string>> {
    // One empty answer for every pod without volumes: a pod worker keeps its paths for the pod's life.
    if (!pod.spec.volumes?.length) return NO_VOLUMES;
    const paths = new Map<string, string>();
    for (const volume of pod.spec.volumes ?? []) paths.set(volume.name, await this.setUpOne(pod, volume, sources));
    return paths;
  }

  /** The bind mounts of one container, from its volumeMounts. */
  mountsFor(pod: Pod, containerName: string, paths: ReadonlyMap<string, string>): Mount[] {
    const container = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find(
      (c) => c.name === containerName,
    );
    return (container?.volumeMounts ?? []).map((vm) => {
      const hostPath = paths.get(vm.name);
      if (hostPath === undefined) {
        throw new RuntimeError(
          'InvalidArgument',
          `volumeMount "${vm.name}" names no volume of the pod; add it to spec.volumes`,
        );
      }
      const claimReadOnly = pod.spec.volumes?.find((v) => v.name === vm.name)?.persistentVolumeClaim?.readOnly;
      return {
        containerPath: vm.mountPath,
        hostPath: vm.subPath ? join(hostPath, safeRelative(vm.subPath, 'subPath')) : hostPath,
        readonly: (vm.readOnly ?? false) || (claimReadOnly ?? false),
      };
    });
  }

  /** Removes the pod's directories (never a hostPath). */
  async tearDown(podUid: string): Promise<void> {
    this.options.tokens?.forget(podUid);
    await rm(this.podDir(podUid), { recursive: true, force: true });
  }

  private podDir(uid: string): string {
    return join(this.options.root, 'pods', safeRelative(uid, 'pod uid'));
  }

  private async setUpOne(pod: Pod, volume: Volume, sources: VolumeSources): Promise<string> {
    const ns = pod.metadata.namespace ?? 'default';
    const dir = join(
      this.podDir(pod.metadata.uid ?? pod.metadata.name),
      'volumes',
      safeRelative(volume.name, 'volume name'),
    );
    if (volume.hostPath) return this.allowedHostPath(volume.hostPath.path);
    if (volume.emptyDir) {
      await mkdir(dir, { recursive: true, mode: 0o777 });
      return dir;
    }
    if (volume.persistentVolumeClaim) return persistentVolumePath(ns, volume.persistentVolumeClaim.claimName, sources);
    const files = await this.projectedFiles(pod, volume, sources);
    if (files) {
      await writeProjection(dir, files);
      return dir;
    }
    throw new RuntimeError(
      'InvalidArgument',
      `volume "${volume.name}" has a type this node agent does not support; use emptyDir, hostPath, configMap, secret, downwardAPI, projected or persistentVolumeClaim`,
    );
  }

  /** The files of a ConfigMap, Secret or downwardAPI volume; undefined for other kinds. */
  private async projectedFiles(pod: Pod, volume: Volume, sources: VolumeSources): Promise<ProjectedFile[] | undefined> {
    const ns = pod.metadata.namespace ?? 'default';
    if (volume.configMap) {
      const cm = await sources.configMap(ns, volume.configMap.name);
      if (!cm && !volume.configMap.optional) throw missing('configmap', ns, volume.configMap.name);
      const data = Object.fromEntries(Object.entries(cm?.data ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
      return keyFiles(data, volume.configMap.items, volume.configMap.defaultMode ?? 0o644);
    }
    if (volume.secret) {
      const secret = await sources.secret(ns, volume.secret.secretName);
      if (!secret && !volume.secret.optional) throw missing('secret', ns, volume.secret.secretName);
      const data = Object.fromEntries(
        Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
      );
      return keyFiles(data, volume.secret.items, volume.secret.defaultMode ?? 0o644);
    }
    if (volume.downwardAPI) {
      return volume.downwardAPI.items.map((item) => ({
        path: safeRelative(item.path, 'downwardAPI item path'),
        content: Buffer.from(item.fieldRef ? downwardApiFile(pod, item.fieldRef.fieldPath) : ''),
        mode: 0o644,
      }));
    }
    if (volume.projected) {
      const { sources: parts = [], defaultMode } = volume.projected as ProjectedVolume;
      const files: ProjectedFile[] = [];
      for (const part of parts) {
        if (part.serviceAccountToken) {
          const tokens = this.options.tokens;
          if (!tokens) {
            throw new RuntimeError(
              'InvalidArgument',
              `projected volume "${volume.name}" asks for a serviceAccountToken, but this node agent has no way to request tokens`,
            );
          }
          const token = await tokens.tokenFor(pod, part.serviceAccountToken);
          const path = safeRelative(part.serviceAccountToken.path, 'serviceAccountToken path');
          files.push({ path, content: Buffer.from(token), mode: defaultMode ?? 0o644 });
          continue;
        }
        // Each source is projected as the volume of its kind would be, all into the one directory.
        const single: Volume = {
          name: volume.name,
          configMap: part.configMap && { ...part.configMap, defaultMode },
          secret: part.secret && { ...part.secret, secretName: part.secret.name, defaultMode },
          downwardAPI: part.downwardAPI,
        };
        files.push(...((await this.projectedFiles(pod, single, sources)) ?? []));
      }
      return files;
    }
    return undefined;
  }

  private allowedHostPath(path: string): string {
    const clean = normalize(path);
    const allowed = (this.options.allowedHostPaths ?? []).some((prefix) => {
      const rel = relative(normalize(prefix), clean);
      return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    });
    if (!isAbsolute(clean) || !allowed) {
      throw new RuntimeError(
        'InvalidArgument',
        `hostPath "${path}" is not under an allowed directory; add its parent to the agent's allowedHostPaths`,
      );
    }
    return clean;
  }
}

/** The files of a ConfigMap or Secret volume: every key, or only the listed items at their paths. */
function keyFiles(
  data: Record<string, Buffer>,
  items: { key: string; path: string; mode?: number }[] | undefined,
  mode: number,
): ProjectedFile[] {
  const chosen = items ?? Object.keys(data).map((key) => ({ key, path: key, mode: undefined }));
  return chosen
    .filter((item) => data[item.key] !== undefined)
    .map((item) => ({
      path: safeRelative(item.path, 'volume item path'),
      content: data[item.key],
      mode: item.mode ?? mode,
    }));
}

function missing(kind: string, ns: string, name: string): RuntimeError {
  return new RuntimeError(
    'InvalidArgument',
    `${kind} "${ns}/${name}" not found; create it or mark the reference optional`,
  );
}
