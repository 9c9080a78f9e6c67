import type { Pod } from '@flotilla/core';
import { RuntimeError } from '../cri/errors.js';
import { criLabels } from '../cri/labels.js';
import { logWindow } from '../cri/log-window.js';
import type { Container, LogLine, LogOptions } from '../cri/messages.js';
import type { RuntimeService } from '../cri/services.js';

/** Options for `NodeAgent.containerLogs`: the kubelet's `PodLogOptions` (`kubectl logs` flags). */
export interface PodLogOptions extends Pick<LogOptions, 'tailLines' | 'follow' | 'limitBytes' | 'signal'> {
  /** The logs of the container's previous run (the one before the last restart), as `kubectl logs --previous`. */
  previous?: boolean;
  /** Only lines from the last N seconds (`--since`). */
  sinceSeconds?: number;
  /** Only lines at or after this time, ms since the epoch (`--since-time`); `sinceSeconds` wins when both are set. */
  sinceMs?: number;
  /** Prefix each line with its RFC 3339 time and a space (`--timestamps`); counted by `limitBytes`. */
  timestamps?: boolean;
}

/** RFC 3339 with nanoseconds, as the kubelet prefixes log lines (JS times stop at milliseconds). */
export function logTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/**
 * The run of container `name` of `pod`, found as the kubelet finds it: by
 * the pod's uid and the container's name among the runtime's containers,
 * the newest run (or, with `previous`, the one before it). Throws a
 * `RuntimeError` NotFound that says what is missing.
 */
export async function findContainerRun(
  runtime: Pick<RuntimeService, 'listContainers'>,
  pod: Pod,
  name: string,
  previous = false,
): Promise<Container> {
  const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
  const declared = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].some((c) => c.name === name);
  if (!declared) {
    const names = pod.spec.containers.map((c) => c.name).join(', ');
    throw new RuntimeError('NotFound', `container "${name}" is not in pod "${key}"; its containers: ${names}`);
  }
  const runs = await runtime.listContainers({
    labelSelector: { [criLabels.podUid]: pod.metadata.uid ?? '', [criLabels.containerName]: name },
  });
  // Newest first: the kubelet keeps the current run and the one before it.
  runs.sort((a, b) => b.metadata.attempt - a.metadata.attempt || b.createdAt - a.createdAt);
  const run = runs[previous ? 1 : 0];
  if (!run) {
    const what = previous ? 'has no previous run' : 'has not been created yet';
    throw new RuntimeError('NotFound', `container "${name}" in pod "${key}" ${what}`);
  }
  return run;
}

/**
 * The logs of container `name` of `pod` with the kubelet's options:
 * `previous` picks the run, `sinceSeconds` counts back from `now`,
 * `timestamps` prefixes each line, and `limitBytes` counts what is sent
 * (prefixes included).
 */
export async function* podContainerLogs(
  runtime: Pick<RuntimeService, 'listContainers' | 'containerLogs'>,
  pod: Pod,
  name: string,
  options: PodLogOptions = {},
  now: number = Date.now(),
): AsyncIterable<LogLine> {
  const run = await findContainerRun(runtime, pod, name, options.previous);
  const sinceMs = options.sinceSeconds !== undefined ? now - options.sinceSeconds * 1000 : options.sinceMs;
  const lines = runtime.containerLogs(run.id, {
    tailLines: options.tailLines,
    follow: options.follow,
    signal: options.signal,
    timestamps: options.timestamps,
    ...(sinceMs === undefined ? {} : { sinceMs }),
  });
  yield* logWindow(options.timestamps ? stamped(lines) : lines, { limitBytes: options.limitBytes });
}

async function* stamped(lines: AsyncIterable<LogLine>): AsyncIterable<LogLine> {
  for await (const line of lines) yield { ...line, text: `${logTimestamp(line.time ?? 0)} ${line.text}` };
}
