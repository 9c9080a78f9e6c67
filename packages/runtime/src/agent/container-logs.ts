import type { Pod } from '@flotilla/core';
import { RuntimeError } from '../cri/errors.js';
import { criLabels } from '../cri/labels.js';
import type { LogLine, LogOptions } from '../cri/messages.js';
import type { RuntimeService } from '../cri/services.js';

/** Options for `NodeAgent.containerLogs`: the runtime's, plus the kubelet's `previous`. */
export interface PodLogOptions extends LogOptions {
  /** The logs of the container's previous run (the one before the last restart), as `kubectl logs --previous`. */
  previous?: boolean;
}

/**
 * The logs of container `name` of `pod`, found as the kubelet finds them:
 * by the pod's uid and the container's name among the runtime's containers,
 * the newest run (or, with `previous`, the one before it). Throws a
 * `RuntimeError` NotFound that says what is missing.
 */
export async function* podContainerLogs(
  runtime: Pick<RuntimeService, 'listContainers' | 'containerLogs'>,
  pod: Pod,
  name: string,
  options: PodLogOptions = {},
): AsyncIterable<LogLine> {
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
  const run = runs[options.previous ? 1 : 0];
  if (!run) {
    const what = options.previous ? 'has no previous run' : 'has not been created yet';
    throw new RuntimeError('NotFound', `container "${name}" in pod "${key}" ${what}`);
  }
  const { previous: _previous, ...logOptions } = options;
  yield* runtime.containerLogs(run.id, logOptions);
}
