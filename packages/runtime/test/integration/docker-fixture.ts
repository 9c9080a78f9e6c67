import type Docker from 'dockerode';
import { BUSYBOX_IMAGE, type DockerDaemon, ensureBusyboxImage, ensureDocker } from '../../../../scripts/docker.js';
import { type ConformanceFixture, shellFixture } from '../../src/conformance/index.js';
import { DockerRuntime } from '../../src/index.js';

/** The bridge network integration tests put sandboxes on (a 198.18.0.0/15 test range). */
export const TEST_NETWORK = { name: 'flotilla-test', subnet: '198.19.251.0/24' };

/** A started (or reused) dockerd with the busybox image, and a DockerRuntime on it. */
export async function startDocker(): Promise<{ daemon: DockerDaemon; runtime: DockerRuntime; docker: Docker }> {
  const daemon = await ensureDocker();
  await ensureBusyboxImage(daemon.docker);
  const runtime = new DockerRuntime({ docker: daemon.docker, network: TEST_NETWORK, sandboxImage: BUSYBOX_IMAGE });
  return { daemon, runtime, docker: daemon.docker };
}

/** The conformance fixture for DockerRuntime against a real dockerd: the shell fixture over busybox. */
export async function dockerFixture(): Promise<ConformanceFixture> {
  const { daemon, runtime, docker } = await startDocker();
  // A run cut short (its dockerd stopped under it) leaves its sandboxes behind, and the suite's label queries would find them.
  const leftovers = await docker.listContainers({
    all: true,
    filters: { label: ['suite=conformance'] },
  });
  await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  return shellFixture({ runtime, image: BUSYBOX_IMAGE, close: () => daemon.stop() });
}
