import type Docker from 'dockerode';
import { BUSYBOX_IMAGE, type DockerDaemon, ensureBusyboxImage, ensureDocker } from '../../../../scripts/docker.js';
import type { ConformanceFixture, ProcessSpec } from '../../src/conformance/index.js';
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

/**
 * Busybox shell for a conformance `ProcessSpec`. Log lines go in as
 * positional arguments, so no test text is ever spliced into the script.
 */
function shellFor(spec: ProcessSpec): string {
  const print = 'for l in "$@"; do echo "$l"; done';
  if (spec.oom) return `${print}; x=aaaaaaaaaaaaaaaa; while true; do x="$x$x"; done`;
  if (spec.ignoresSigterm) return `${print}; trap '' TERM; while true; do sleep 1; done`;
  if (spec.exit) return `${print}; sleep ${spec.exit.afterMs / 1000}; exit ${spec.exit.code}`;
  return `${print}; trap 'exit 143' TERM; sleep 2147483647 & wait`;
}

/** The conformance fixture for DockerRuntime against a real dockerd. */
export async function dockerFixture(): Promise<ConformanceFixture> {
  const { daemon, runtime, docker } = await startDocker();
  // A run cut short (its dockerd stopped under it) leaves its sandboxes behind, and the suite's label queries would find them.
  const leftovers = await docker.listContainers({
    all: true,
    filters: { label: ['suite=conformance'] },
  });
  await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  return {
    runtime,
    presentImage: BUSYBOX_IMAGE,
    unpullableImage: 'flotilla-unpullable.invalid/none:v1',
    container: (name, spec) => ({
      metadata: { name, attempt: 0 },
      image: { image: BUSYBOX_IMAGE },
      command: ['sh', '-c', shellFor(spec), 'sh', ...(spec.logs ?? [])],
      linux: spec.oom ? { resources: { memoryLimitInBytes: 16 << 20 } } : undefined,
    }),
    execCommandFor: (r) => [
      'sh',
      '-c',
      'printf %s "$1"; printf %s "$2" >&2; exit "$3"',
      'sh',
      r.stdout,
      r.stderr,
      String(r.exitCode),
    ],
    pass: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    close: () => daemon.stop(),
  };
}
