import type { ContainerConfig, ExecSyncResponse } from '../cri/messages.js';
import type { ContainerRuntime } from '../cri/services.js';

/** What a process in a conformance-test container does; each backend turns it into its own terms. */
export interface ProcessSpec {
  /** Lines printed to stdout at start. */
  logs?: string[];
  /** Exit by itself with `code` about `afterMs` after start; absent = run until stopped. */
  exit?: { code: number; afterMs: number };
  /** Allocate memory until the OOM killer ends it (the container gets a small memory limit). */
  oom?: boolean;
  /** Ignore SIGTERM, so only SIGKILL ends it. */
  ignoresSigterm?: boolean;
  /** Exec results the test will ask for with `execCommandFor`. */
  exec?: ExecSyncResponse[];
  /** Serve HTTP (any path answers 200) on this port in the pod's network namespace. */
  httpPort?: number;
}

/**
 * One backend under test. A Docker fixture maps a `ProcessSpec` to busybox
 * shell commands and lets real time pass; the FakeRuntime fixture maps it to
 * scripts and steps a FakeClock. The suite only speaks in these terms, so the
 * same tests hold both backends to the same contract.
 */
export interface ConformanceFixture {
  runtime: ContainerRuntime;
  /** An image the runtime holds. */
  presentImage: string;
  /** An image reference whose pull fails. */
  unpullableImage: string;
  /** A container config whose process behaves as described. */
  container(name: string, spec: ProcessSpec): ContainerConfig;
  /** The exec command that answers with `result` (scripted beforehand in the container's `ProcessSpec.exec`). */
  execCommandFor(result: ExecSyncResponse): string[];
  /** Lets `ms` of (real or fake) time pass. */
  pass(ms: number): Promise<void>;
  /** Removes whatever the fixture created. */
  close(): Promise<void>;
}
