import type { Logger } from '@flotilla/core';
import { DockerRuntime } from '@flotilla/runtime';
import { BUSYBOX_IMAGE, ensureBusyboxImage, ensureDocker } from '../../scripts/docker.js';
import { simulatedImages } from './images.js';

/** Real containers for `--runtime docker`: one Docker daemon, shared by every node's DockerRuntime. */
export interface DockerNodes {
  runtimeFor(index: number): DockerRuntime;
  /** Stops the daemon if this program started it. */
  stop(): Promise<void>;
}

/**
 * Reuses or starts dockerd (`scripts/docker.ts`), builds the local busybox
 * image, and tags it with every image name the example manifests use, so
 * that their commands (busybox's httpd, sh, sleep) run for real; nothing is
 * pulled from a registry.
 */
export async function dockerNodes(logger: Logger): Promise<DockerNodes> {
  const daemon = await ensureDocker();
  await ensureBusyboxImage(daemon.docker);
  for (const image of Object.keys(simulatedImages)) {
    const [repo, tag] = image.split(':');
    await daemon.docker.getImage(BUSYBOX_IMAGE).tag({ repo, tag });
  }
  const runtime = new DockerRuntime({ docker: daemon.docker, logger });
  return { runtimeFor: () => runtime, stop: () => daemon.stop() };
}
