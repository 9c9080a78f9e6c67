import {
  type Condition,
  type ContainerState,
  type ContainerStatus,
  type Pod,
  type PodPhase,
  type PodStatus,
  toTimestamp,
} from '@flotilla/core';
import type { ContainerStatus as CriContainerStatus } from '../cri/messages.js';

/** What the pod worker knows about one container of the spec. */
export interface ObservedContainer {
  name: string;
  image: string;
  /** The newest runtime instance, and the one before it (for lastState). */
  current?: CriContainerStatus;
  previous?: CriContainerStatus;
  /** Set when the container is not running and waits for something (backoff, image, config). */
  waiting?: { reason: string; message?: string };
  ready: boolean;
  started: boolean;
}

/** Everything pod status is computed from. */
export interface ObservedPod {
  init: ObservedContainer[];
  app: ObservedContainer[];
  initDone: boolean;
  podIP: string;
  hostIP: string;
  startTime?: string;
  /** `<runtime>://` prefix of container IDs. */
  runtimeName: string;
  /** restartPolicy Never and an init container failed. */
  initFailed: boolean;
}

function terminated(c: CriContainerStatus, runtimeName: string): ContainerState {
  return {
    terminated: {
      exitCode: c.exitCode,
      reason: c.reason || (c.exitCode === 0 ? 'Completed' : 'Error'),
      startedAt: c.startedAt ? toTimestamp(c.startedAt) : undefined,
      finishedAt: c.finishedAt ? toTimestamp(c.finishedAt) : undefined,
      containerID: `${runtimeName}://${c.id}`,
    },
  };
}

function containerStatus(o: ObservedContainer, runtimeName: string, defaultWaiting: string): ContainerStatus {
  const c = o.current;
  let state: ContainerState;
  if (o.waiting) state = { waiting: { ...o.waiting } };
  else if (c?.state === 'CONTAINER_RUNNING') state = { running: { startedAt: toTimestamp(c.startedAt) } };
  else if (c?.state === 'CONTAINER_EXITED') state = terminated(c, runtimeName);
  else state = { waiting: { reason: defaultWaiting } };
  // While waiting to restart, the exited instance is the last state (the kubelet reports it so).
  const last = o.waiting && c?.state === 'CONTAINER_EXITED' ? c : o.previous;
  return {
    name: o.name,
    state,
    lastState: last?.state === 'CONTAINER_EXITED' ? terminated(last, runtimeName) : {},
    ready: o.ready,
    started: o.started,
    restartCount: c ? c.metadata.attempt : 0,
    image: o.image,
    imageID: c?.imageRef ?? '',
    ...(c ? { containerID: `${runtimeName}://${c.id}` } : {}),
  };
}

/** The pod phase from its containers, following the kubelet's `getPhase`. */
export function podPhase(pod: Pod, statuses: ContainerStatus[], observed: ObservedPod): PodPhase {
  if (observed.initFailed) return 'Failed';
  if (!observed.initDone) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return policy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

function condition(
  type: string,
  ok: boolean,
  previous: Condition[] | undefined,
  now: string,
  reason?: string,
): Condition {
  const status = ok ? 'True' : 'False';
  const before = previous?.find((c) => c.type === type);
  return {
    type,
    status,
    lastProbeTime: undefined,
    lastTransitionTime: before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : now,
    ...(reason && !ok ? { reason } : {}),
  };
}

/**
 * The pod status the agent reports: phase, the four conditions (transition
 * times kept while a condition holds), container statuses, IPs and start time.
 */
export function computePodStatus(pod: Pod, observed: ObservedPod, now: number): PodStatus {
  const ts = toTimestamp(now);
  const prev = pod.status?.conditions;
  const initStatuses = observed.init.map((o) => containerStatus(o, observed.runtimeName, 'PodInitializing'));
  const appStatuses = observed.app.map((o) =>
    containerStatus(o, observed.runtimeName, observed.initDone ? 'ContainerCreating' : 'PodInitializing'),
  );
  const phase = podPhase(pod, appStatuses, observed);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const containersReady = !terminal && appStatuses.every((s) => s.ready);
  const conditions: Condition[] = [
    condition('PodScheduled', true, prev, ts),
    condition('Initialized', observed.initDone, prev, ts, 'ContainersNotInitialized'),
    condition('ContainersReady', containersReady, prev, ts, terminal ? 'PodCompleted' : 'ContainersNotReady'),
    condition('Ready', containersReady, prev, ts, terminal ? 'PodCompleted' : 'ContainersNotReady'),
  ].map(({ lastProbeTime: _unused, ...c }) => c);
  const status: PodStatus = {
    phase,
    conditions,
    hostIP: observed.hostIP,
    hostIPs: [{ ip: observed.hostIP }],
    startTime: observed.startTime,
    containerStatuses: appStatuses,
    qosClass: pod.status?.qosClass,
  };
  if (observed.podIP) {
    status.podIP = observed.podIP;
    status.podIPs = [{ ip: observed.podIP }];
  }
  if (initStatuses.length > 0) status.initContainerStatuses = initStatuses;
  if (status.qosClass === undefined) delete status.qosClass;
  if (status.startTime === undefined) delete status.startTime;
  return status;
}
