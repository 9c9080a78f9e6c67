import type { KubeObject } from '@flotilla/core';
import { ageOf } from '../human-duration.js';
import { column, type KindPrinter } from '../table.js';
import { ageColumn, nameColumn, orNone } from './common.js';

interface ContainerState {
  waiting?: { reason?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string };
}

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface PodShape {
  metadata: KubeObject['metadata'];
  spec?: { containers?: unknown[]; initContainers?: unknown[]; nodeName?: string; readinessGates?: unknown[] };
  status?: {
    phase?: string;
    reason?: string;
    podIP?: string;
    nominatedNodeName?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

/** The reason a pod is marked with when its node stopped answering (`node.NodeUnreachablePodReason`). */
const NODE_UNREACHABLE_REASON = 'NodeLost';

function conditionTrue(pod: PodShape, type: string): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

function exitText(prefix: string, t: NonNullable<ContainerState['terminated']>): string {
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

/** What kubectl's STATUS, READY and RESTARTS show for a pod (kubectl's `printPod`). */
export interface PodSummary {
  status: string;
  ready: number;
  total: number;
  restarts: number;
  /** When a container last terminated before a restart, for `RESTARTS` as `2 (5m ago)`. */
  lastRestart?: number;
}

/** Summarises a pod as kubectl prints it: init progress, the waiting or terminated reason, Terminating. */
export function summarizePod(pod: PodShape): PodSummary {
  const status = pod.status ?? {};
  let reason = status.reason || status.phase || '';
  let restarts = 0;
  let lastRestart: number | undefined;
  const noteRestart = (c: ContainerStatus) => {
    restarts += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    if ((c.restartCount ?? 0) > 0 && finished) lastRestart = Math.max(lastRestart ?? 0, Date.parse(finished));
  };
  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  const initCount = pod.spec?.initContainers?.length ?? 0;
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    noteRestart(c);
    const t = c.state?.terminated;
    if (t && (t.exitCode ?? 0) === 0) continue;
    initializing = true;
    if (t) reason = t.reason ? `Init:${t.reason}` : exitText('Init:', t);
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${c.state.waiting.reason}`;
    } else reason = `Init:${i}/${initCount}`;
    break;
  }
  let ready = 0;
  if (!initializing || conditionTrue(pod, 'Initialized')) {
    restarts = 0;
    lastRestart = undefined;
    let hasRunning = false;
    const containers = status.containerStatuses ?? [];
    for (let i = containers.length - 1; i >= 0; i--) {
      const c = containers[i]!;
      noteRestart(c);
      const s = c.state ?? {};
      if (s.waiting?.reason) reason = s.waiting.reason;
      else if (s.terminated?.reason) reason = s.terminated.reason;
      else if (s.terminated) reason = exitText('', s.terminated);
      else if (c.ready && s.running) {
        hasRunning = true;
        ready += 1;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp) reason = status.reason === NODE_UNREACHABLE_REASON ? 'Unknown' : 'Terminating';
  return { status: reason, ready, total: pod.spec?.containers?.length ?? 0, restarts, lastRestart };
}

function restartsText(s: PodSummary, now: number): string {
  if (s.lastRestart === undefined || Number.isNaN(s.lastRestart)) return String(s.restarts);
  return `${s.restarts} (${ageOf(new Date(s.lastRestart).toISOString(), now)} ago)`;
}

const pod = (obj: KubeObject) => obj as unknown as PodShape;

/** kubectl's pod columns: NAME READY STATUS RESTARTS AGE; wide adds IP NODE NOMINATED NODE READINESS GATES. */
export const podPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column(
      'Ready',
      (obj) => {
        const s = summarizePod(pod(obj));
        return `${s.ready}/${s.total}`;
      },
      { description: 'The aggregate readiness state of this pod for accepting traffic.' },
    ),
    column('Status', (obj) => summarizePod(pod(obj)).status, {
      description: 'The aggregate status of the containers in this pod.',
    }),
    column('Restarts', (obj, ctx) => restartsText(summarizePod(pod(obj)), ctx.now), {
      description:
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    }),
    ageColumn,
    column('IP', (obj) => orNone(pod(obj).status?.podIP), {
      priority: 1,
      description: 'IP address allocated to the pod.',
    }),
    column('Node', (obj) => orNone(pod(obj).spec?.nodeName), {
      priority: 1,
      description: 'Name of the Node this pod is assigned to.',
    }),
    column('Nominated Node', (obj) => orNone(pod(obj).status?.nominatedNodeName), { priority: 1 }),
    column(
      'Readiness Gates',
      (obj) => {
        const gates = pod(obj).spec?.readinessGates?.length ?? 0;
        if (gates === 0) return '<none>';
        const conditions = pod(obj).status?.conditions ?? [];
        const gateTypes = (pod(obj).spec?.readinessGates as { conditionType: string }[]).map((g) => g.conditionType);
        const met = gateTypes.filter((t) => conditions.some((c) => c.type === t && c.status === 'True')).length;
        return `${met}/${gates}`;
      },
      { priority: 1 },
    ),
  ],
};
