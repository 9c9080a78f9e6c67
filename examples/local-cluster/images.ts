import type { ContainerScript, FakeRuntime } from '@flotilla/runtime';

/** What a simulated image does when FakeRuntime runs it, and the port its in-process server answers on. */
export interface SimulatedImage {
  script: ContainerScript;
  /** An HTTP port a real server answers on at the pod's IP while the container runs (see `PodServers`). */
  httpPort?: number;
}

/** CPU a container reports at rest: 5 millicores. */
const idleUsage = { cpuNanoCores: 5_000_000, memoryWorkingSetBytes: 24 * 1024 * 1024 };

const webServer = (): SimulatedImage => ({
  script: { listen: { 8080: 200 }, usage: idleUsage, logs: ['listening on :8080'] },
  httpPort: 8080,
});

/**
 * The images the example manifests use, as FakeRuntime scripts: the web
 * server (two tags, for the rolling update) keeps running and answers HTTP,
 * the DaemonSet's agent keeps running, the Job's and CronJob's containers do
 * their work for a few seconds and exit 0. With `--runtime docker` the same
 * names are tags of the local busybox image and the manifests' commands run.
 */
export const simulatedImages: Readonly<Record<string, SimulatedImage>> = {
  'flotilla/web:1.0': webServer(),
  'flotilla/web:1.1': webServer(),
  'flotilla/node-agent-sidecar:1.0': { script: { listen: { 9100: 200 }, usage: idleUsage } },
  'flotilla/batch:1.0': { script: { runMs: 3000, exitCode: 0, logs: ['computing 1000 digits of pi'] } },
  'flotilla/report:1.0': { script: { runMs: 1000, exitCode: 0, logs: ['report written'] } },
};

/** Teaches `runtime` the simulated images (present from the start, so nothing is pulled). */
export function installSimulatedImages(runtime: FakeRuntime): void {
  for (const [image, { script }] of Object.entries(simulatedImages)) {
    runtime.addImage(image);
    runtime.script(image, script);
  }
}
