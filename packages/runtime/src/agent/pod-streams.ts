import { type Clock, type ClusterApi, isReason, type Pod } from '@flotilla/core';
import { RuntimeError } from '../cri/errors.js';
import { criLabels } from '../cri/labels.js';
import type { LogLine } from '../cri/messages.js';
import type { ContainerRuntime } from '../cri/services.js';
import type { AttachRequest, ExecRequest, PortStream, StreamSession } from '../cri/streaming.js';
import { findContainerRun, type PodLogOptions, podContainerLogs } from './container-logs.js';

/**
 * The streaming side of a node's pods, by the names the API shows: logs,
 * exec, attach and port-forward resolve namespace / pod / container to the
 * runtime's current run and sandbox, and refuse pods bound elsewhere.
 */
export class PodStreams {
  constructor(
    private readonly api: ClusterApi,
    private readonly runtime: ContainerRuntime,
    private readonly nodeName: string,
    private readonly clock: Clock,
  ) {}

  /** The pod, if it is bound to this node; else `RuntimeError` NotFound. */
  async pod(namespace: string, name: string): Promise<Pod> {
    const found = await this.api
      .resource('Pod')
      .get(namespace, name)
      .catch((err: unknown) => {
        if (isReason(err, 'NotFound')) return undefined;
        throw err;
      });
    if (found?.spec.nodeName !== this.nodeName) {
      throw new RuntimeError('NotFound', `pod "${namespace}/${name}" is not on node "${this.nodeName}"`);
    }
    return found;
  }

  /** See `NodeAgent.containerLogs`. */
  async *logs(namespace: string, pod: string, container: string, options: PodLogOptions): AsyncIterable<LogLine> {
    const found = await this.pod(namespace, pod);
    yield* podContainerLogs(this.runtime, found, container, options, this.clock.now());
  }

  /** See `NodeAgent.exec`. */
  async exec(namespace: string, pod: string, container: string, request: ExecRequest): Promise<StreamSession> {
    if (request.cmd.length === 0) throw new RuntimeError('InvalidArgument', 'exec: command must not be empty');
    const run = await findContainerRun(this.runtime, await this.pod(namespace, pod), container);
    return this.runtime.exec(run.id, request);
  }

  /** See `NodeAgent.attach`. */
  async attach(namespace: string, pod: string, container: string, request: AttachRequest): Promise<StreamSession> {
    const run = await findContainerRun(this.runtime, await this.pod(namespace, pod), container);
    return this.runtime.attach(run.id, request);
  }

  /** See `NodeAgent.portForward`. */
  async portForward(namespace: string, pod: string, port: number): Promise<PortStream> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RuntimeError('InvalidArgument', `port-forward: port must be 1-65535, got ${port}`);
    }
    const found = await this.pod(namespace, pod);
    const [sandbox] = await this.runtime.listPodSandbox({
      state: 'SANDBOX_READY',
      labelSelector: { [criLabels.podUid]: found.metadata.uid ?? '' },
    });
    if (!sandbox) throw new RuntimeError('NotFound', `pod "${namespace}/${pod}" has no running sandbox`);
    return this.runtime.portForward(sandbox.id, port);
  }
}
