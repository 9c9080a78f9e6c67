import type { Pod } from '@flotilla/core';
import type { LogLine } from '../../cri/messages.js';
import type { AttachRequest, ExecRequest, PortStream, StreamSession } from '../../cri/streaming.js';
import type { PodLogOptions } from '../container-logs.js';
import type { StatsSummary } from '../stats/stats-summary.js';
import type { UsageHistorySnapshot } from '../stats/usage-history.js';

/**
 * What the node agent's API serves, by the names the API shows. `NodeAgent`
 * implements it; the server only speaks HTTP and WebSocket around it (and an
 * apiserver in the same process can call these methods directly).
 */
export interface KubeletBackend {
  /** The pods bound to this node. */
  listPods(): Promise<Pod[]>;
  /** Current usage of the node and its pods (`/stats/summary`). */
  statsSummary(): Promise<StatsSummary>;
  /** Usage samples over the history window. */
  usageHistory(): UsageHistorySnapshot;
  /** A container's log with the kubelet's options. */
  containerLogs(namespace: string, pod: string, container: string, options?: PodLogOptions): AsyncIterable<LogLine>;
  /** A command in a container, streams connected. */
  exec(namespace: string, pod: string, container: string, request: ExecRequest): Promise<StreamSession>;
  /** The streams of a container's main process. */
  attach(namespace: string, pod: string, container: string, request: AttachRequest): Promise<StreamSession>;
  /** A stream to a port in the pod's network namespace. */
  portForward(namespace: string, pod: string, port: number): Promise<PortStream>;
}
