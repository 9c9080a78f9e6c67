import type { ContainerRuntime } from '../cri/services.js';
import type { ConformanceFixture, ProcessSpec } from './fixture.js';

/** Options for `shellFixture`. */
export interface ShellFixtureOptions {
  /** The runtime under test. */
  runtime: ContainerRuntime;
  /** An image the runtime holds with a POSIX shell, `sleep`, `printf`, `cat` and `httpd` (busybox is enough). */
  image: string;
  /** An image reference whose pull must fail. Default: a name under the reserved `.invalid` domain. */
  unpullableImage?: string;
  /** Releases what the test set up (a daemon it started); called once after the suite. */
  close?: () => Promise<void>;
}

/**
 * Busybox shell for a conformance `ProcessSpec`. Log lines go in as
 * positional arguments, so no test text is ever spliced into the script.
 */
function shellFor(spec: ProcessSpec): string {
  const print = 'for l in "$@"; do echo "$l"; done';
  if (spec.oom) return `${print}; x=aaaaaaaaaaaaaaaa; while true; do x="$x$x"; done`;
  if (spec.ignoresSigterm) return `${print}; trap '' TERM; while true; do sleep 1; done`;
  if (spec.httpPort)
    return `${print}; mkdir -p /tmp/www && echo ok > /tmp/www/index.html && exec httpd -f -p ${spec.httpPort} -h /tmp/www`;
  if (spec.exit) return `${print}; sleep ${spec.exit.afterMs / 1000}; exit ${spec.exit.code}`;
  return `${print}; trap 'exit 143' TERM; sleep 2147483647 & wait`;
}

/**
 * The fixture for any runtime that runs real processes from a shell image
 * (DockerRuntime, or one of your own): each `ProcessSpec` becomes a
 * `sh -c` script, and real time passes. Your runtime's conformance test is
 * one line:
 * `describeRuntimeConformance('Mine', async () => shellFixture({ runtime, image: 'busybox' }), { pushesEvents: false })`.
 */
export function shellFixture(options: ShellFixtureOptions): ConformanceFixture {
  const { runtime, image } = options;
  return {
    runtime,
    presentImage: image,
    unpullableImage: options.unpullableImage ?? 'flotilla-unpullable.invalid/none:v1',
    container: (name, spec) => ({
      metadata: { name, attempt: 0 },
      image: { image },
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
    close: async () => {
      await options.close?.();
    },
  };
}
