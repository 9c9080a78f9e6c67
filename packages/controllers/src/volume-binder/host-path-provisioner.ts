import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BadRequestError, type PersistentVolume } from '@flotilla/core';
import type { ProvisionedVolume, ProvisionRequest, VolumeProvisioner } from './provisioner.js';

/**
 * A provisioner for example clusters: each volume is a directory
 * `<root>/<volume name>` on the local disk, pinned to the selected node
 * (`kubernetes.io/hostname`) when the claim waited for one. Not for
 * production: no quota, no replication.
 *
 * Guarantees: only paths inside `root` are created or removed; volume
 * names must be DNS-1123 subdomains, so no name escapes the root.
 */
export class HostPathProvisioner implements VolumeProvisioner {
  readonly name: string;
  private readonly root: string;

  constructor(options: { root: string; name?: string }) {
    this.root = resolve(options.root);
    this.name = options.name ?? 'flotilla.dev/host-path';
  }

  /** Makes the volume's directory (kept if it exists) and pins a WaitForFirstConsumer volume to the selected node. */
  async provision(req: ProvisionRequest): Promise<ProvisionedVolume> {
    const path = this.pathFor(req.volumeName);
    await mkdir(path, { recursive: true });
    return {
      hostPath: { path, type: 'DirectoryOrCreate' },
      ...(req.selectedNode
        ? {
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [req.selectedNode] }] },
                ],
              },
            },
          }
        : {}),
    };
  }

  /** Removes the volume's directory and everything in it; succeeds if it is already gone. */
  async delete(volume: Readonly<PersistentVolume>): Promise<void> {
    await rm(this.pathFor(volume.metadata.name), { recursive: true, force: true });
  }

  private pathFor(volumeName: string): string {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(volumeName) || volumeName.includes('..'))
      throw new BadRequestError(
        `volume name "${volumeName}" is not a DNS-1123 subdomain; refusing to use it as a path`,
      );
    const path = join(this.root, volumeName);
    if (!path.startsWith(`${this.root}/`)) throw new BadRequestError(`volume path ${path} escapes ${this.root}`);
    return path;
  }
}
