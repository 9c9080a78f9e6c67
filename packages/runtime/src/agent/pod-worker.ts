import { createHash } from 'node:crypto';
import {
  type Clock,
  type ClusterApi,
  type Container,
  cloneJson,
  type EventRecorder,
  isReason,
  type Logger,
  type Pod,
  toTimestamp,
} from '@flotilla/core';
import { isRuntimeError } from '../cri/errors.js';
import { criAnnotations, criLabels } from '../cri/labels.js';
import type { ContainerStatus as CriContainerStatus, PodSandbox, PodSandboxConfig } from '../cri/messages.js';
import type { NetworkProber } from '../cri/network-prober.js';
import type { ContainerRuntime } from '../cri/services.js';
import type { CrashLoopBackoff } from './crash-loop-backoff.js';
import { containerEnv, type EnvSources } from './env/container-env.js';
import { expandCommandAndArgs } from './env/expansion.js';
import { PodImagePuller } from './images/image-puller.js';
import { hookFailureMessage, type LifecycleHandler, runLifecycleHook } from './lifecycle/lifecycle-hook.js';
import { linuxResources, type PodRequests, podRequests } from './pod-resources.js';
import { computePodStatus, type ObservedContainer } from './pod-status.js';
import { type ProbeKind, ProbeWorker } from './probes/probe-worker.js';
import type { PodVolumes, VolumeSources } from './volumes/pod-volumes.js';

/** Label on every sandbox and container an agent creates, so agents sharing a runtime keep apart. */
export const NODE_NAME_LABEL = 'flotilla.io/node-name';

/** What a pod worker shares with its agent. */
export interface PodWorkerContext {
  api: ClusterApi;
  runtime: ContainerRuntime;
  network: NetworkProber;
  clock: Clock;
  logger: Logger;
  nodeName: string;
  hostIP: string;
  runtimeName: string;
  backoff: CrashLoopBackoff;
  imageBackoff: CrashLoopBackoff;
  volumes: PodVolumes;
  sources: EnvSources & VolumeSources;
  /** Where the pod's Events go (component `kubelet`). */
  recorder: EventRecorder;
  /** Called once the pod is gone from the runtime and the Api. */
  onFinished(uid: string): void;
}

const DEFAULT_GRACE_SECONDS = 30;

/**
 * Drives one pod towards its spec, the kubelet's pod worker. Every sync
 * reads the runtime's state for the pod (never a memory of what it did),
 * then takes the next steps: sandbox, init containers in order, app
 * containers, restarts with crash-loop backoff, probe-driven kills, and
 * finally the status write (only when it changed).
 *
 * Guarantees: syncs of one pod never overlap (a trigger during a sync runs
 * one more sync after it); a pod marked for deletion is stopped (preStop,
 * SIGTERM, SIGKILL after the grace period), its containers and sandbox are
 * removed, and only then is the pod deleted with grace period 0. A
 * container with a postStart hook is reported running only once the hook
 * succeeded; if the hook fails, the container is killed and restarted by
 * the restart policy, as the kubelet does.
 *
 * Caveats: hooks run inside the sync (as in the kubelet), bounded by the
 * pod's termination grace period, so a slow hook delays the pod's status.
 */
export class PodWorker {
  private syncing = false;
  private dirty = false;
  private removed = false;
  private parsedRequests?: PodRequests;
  private finished = false;
  private terminationStarted?: Promise<void>;
  // Both made on first use: most pods have no probe and never wait on anything (an agent holds one worker per pod).
  private probes?: Map<string, ProbeWorker>;
  private waiting?: Map<string, { reason: string; message?: string }>;
  /** A digest of the status last written (not its ~1 kB of JSON: an agent holds one per running pod). */
  private lastWritten = '';
  private retry?: { cancel(): void };
  private wake?: { at: number; handle: { cancel(): void } };
  private volumePaths?: ReadonlyMap<string, string>;
  /** Kept only while a pull has failed (its backoff state): an agent holds one worker per pod, and most never fail. */
  private images?: PodImagePuller;
  private refreshVolumes = false;

  constructor(
    private pod: Pod,
    private readonly ctx: PodWorkerContext,
  ) {}

  /** The pod's namespace. */
  get podNamespace(): string {
    return this.pod.metadata.namespace ?? 'default';
  }

  /** The pod's name. */
  get podName(): string {
    return this.pod.metadata.name;
  }

  /** What the pod reserves on the node, parsed once: a pod's resources do not change after it is created. */
  get requests(): PodRequests {
    this.parsedRequests ??= podRequests(this.pod);
    return this.parsedRequests;
  }

  /** True while the pod counts against the node's allocatable: it still exists and has not finished. */
  get holdsResources(): boolean {
    const phase = this.pod.status?.phase;
    return !this.removed && phase !== 'Failed' && phase !== 'Succeeded';
  }

  /** The pod's uid, which keys its runtime objects. */
  get uid(): string {
    return this.pod.metadata.uid ?? '';
  }

  /** The newest desired state. */
  update(pod: Pod): void {
    // The informer may deliver our own earlier write after a newer one; never step back.
    if (revisionOf(pod) >= revisionOf(this.pod)) this.pod = pod;
    this.trigger();
  }

  /** The pod is gone from the Api: stop and remove everything without waiting for a grace period. */
  markRemoved(): void {
    this.removed = true;
    this.trigger();
  }

  /** The periodic sync: a sync that also refreshes ConfigMap, Secret and downwardAPI volume files. */
  resync(): void {
    this.refreshVolumes = true;
    this.trigger();
  }

  /** Asks for a sync; coalesces with one in progress. */
  trigger(): void {
    if (this.finished) return;
    if (this.syncing) {
      this.dirty = true;
      return;
    }
    this.syncing = true;
    void this.loop();
  }

  /** Stops probes and timers (the agent is shutting down; runtime state stays). */
  stop(): void {
    this.finished = true;
    for (const p of this.probes?.values() ?? []) p.stop();
    this.retry?.cancel();
    this.wake?.handle.cancel();
  }

  private async loop(): Promise<void> {
    do {
      this.dirty = false;
      try {
        await this.sync();
      } catch (err) {
        this.ctx.logger.warn({ err, pod: this.key() }, 'pod sync failed; retrying');
        this.retry?.cancel();
        this.retry = this.ctx.clock.setTimeout(() => this.trigger(), 1000);
      }
    } while (this.dirty && !this.finished);
    this.syncing = false;
  }

  private key(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  /** Records an Event about the pod; best effort, and not awaited so it never slows a sync. */
  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.ctx.recorder.event(this.pod, type, reason, message);
  }

  private wakeAt(at: number): void {
    if (this.wake && this.wake.at <= at && this.wake.at > this.ctx.clock.now()) return;
    this.wake?.handle.cancel();
    this.wake = { at, handle: this.ctx.clock.setTimeout(() => this.trigger(), at - this.ctx.clock.now()) };
  }

  private async observe(): Promise<{ sandboxes: PodSandbox[]; containers: CriContainerStatus[] }> {
    const selector = { [criLabels.podUid]: this.uid, [NODE_NAME_LABEL]: this.ctx.nodeName };
    const [sandboxes, listed] = await Promise.all([
      this.ctx.runtime.listPodSandbox({ labelSelector: selector }),
      this.ctx.runtime.listContainers({ labelSelector: selector }),
    ]);
    const containers = await Promise.all(
      listed.map((c) => this.ctx.runtime.containerStatus(c.id).catch(() => undefined)),
    );
    return { sandboxes, containers: containers.filter((c): c is CriContainerStatus => c !== undefined) };
  }

  private async sync(): Promise<void> {
    const state = await this.observe();
    if (this.removed || this.pod.metadata.deletionTimestamp) {
      await this.terminate(state);
      return;
    }
    const phase = this.pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      for (const c of state.containers.filter((c) => c.state === 'CONTAINER_RUNNING')) {
        await this.ctx.runtime.stopContainer(c.id, this.graceSeconds());
      }
      this.syncProbes([]);
      return;
    }

    const sandboxId = await this.ensureSandbox(state);
    if (sandboxId === undefined) {
      await this.writeStatus(state.containers, '', false);
      return;
    }
    const podIP = (await this.ctx.runtime.podSandboxStatus(sandboxId)).network.ip;
    const mine = state.containers.filter((c) => c.podSandboxId === sandboxId);
    const latest = (name: string) =>
      mine.filter((c) => c.metadata.name === name).sort((a, b) => b.metadata.attempt - a.metadata.attempt)[0];

    let initDone = true;
    let initFailed = false;
    for (const init of this.pod.spec.initContainers ?? []) {
      const c = latest(init.name);
      if (c?.state === 'CONTAINER_EXITED' && c.exitCode === 0) continue;
      initDone = false;
      if (c?.state === 'CONTAINER_EXITED' && this.pod.spec.restartPolicy === 'Never') initFailed = true;
      else await this.advance(init, c, sandboxId, podIP);
      break;
    }
    if (initDone) {
      for (const app of this.pod.spec.containers) await this.advance(app, latest(app.name), sandboxId, podIP);
    }
    await this.collectGarbage(mine);
    const fresh = await this.observe();
    const running = fresh.containers.filter((c) => c.podSandboxId === sandboxId && c.state === 'CONTAINER_RUNNING');
    this.syncProbes(running, podIP);
    await this.writeStatus(
      fresh.containers.filter((c) => c.podSandboxId === sandboxId),
      podIP,
      initDone,
      initFailed,
    );
  }

  /** One step for one container: start it, restart it after backoff, or kill it when a probe says so. */
  private async advance(spec: Container, c: CriContainerStatus | undefined, sandboxId: string, podIP: string) {
    if (!c) return this.startContainer(spec, 0, sandboxId, podIP);
    if (c.state === 'CONTAINER_CREATED') return this.ctx.runtime.startContainer(c.id);
    if (c.state === 'CONTAINER_RUNNING') {
      const failed = (['startup', 'liveness'] as const).find(
        (k) => this.probes?.get(`${c.id}/${k}`)?.result === 'failure',
      );
      if (failed) {
        this.ctx.logger.info(
          { pod: this.key(), container: spec.name, probe: failed },
          'probe failed; killing container',
        );
        const probe = failed === 'startup' ? spec.startupProbe : spec.livenessProbe;
        this.event('Normal', 'Killing', `Container ${spec.name} failed ${failed} probe, will be restarted`);
        await this.ctx.runtime.stopContainer(c.id, probe?.terminationGracePeriodSeconds ?? this.graceSeconds());
        this.trigger();
      }
      return;
    }
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    const restart = policy === 'Always' || (policy === 'OnFailure' && c.exitCode !== 0);
    if (!restart) return;
    const at = this.ctx.backoff.afterExit(`${this.uid}/${spec.name}`, c.id, c.finishedAt);
    if (this.ctx.clock.now() < at) {
      this.event(
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${spec.name} in pod ${this.pod.metadata.name}_${this.podNamespace}(${this.uid})`,
      );
      this.setWaiting(spec.name, {
        reason: 'CrashLoopBackOff',
        message: `back-off ${Math.round((at - c.finishedAt) / 1000)}s restarting failed container=${spec.name} pod=${this.pod.metadata.name}`,
      });
      this.wakeAt(at);
      return;
    }
    return this.startContainer(spec, c.metadata.attempt + 1, sandboxId, podIP);
  }

  private async ensureSandbox(state: { sandboxes: PodSandbox[]; containers: CriContainerStatus[] }) {
    const ready = state.sandboxes.find((s) => s.state === 'SANDBOX_READY');
    if (ready) {
      if (this.refreshVolumes) await this.refreshVolumeFiles();
      return ready.id;
    }
    const attempt = state.sandboxes.reduce((max, s) => Math.max(max, s.metadata.attempt + 1), 0);
    if (attempt > 0) this.event('Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
    for (const old of state.sandboxes) await this.ctx.runtime.removePodSandbox(old.id);
    try {
      this.volumePaths = await this.ctx.volumes.setUp(this.pod, this.ctx.sources);
    } catch (err) {
      this.event('Warning', 'FailedMount', `MountVolume.SetUp failed: ${messageOf(err)}`);
      this.setAllWaiting('CreateContainerConfigError', err);
      return undefined;
    }
    try {
      return await this.ctx.runtime.runPodSandbox(this.sandboxConfig(attempt));
    } catch (err) {
      this.event('Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${messageOf(err)}`);
      throw err;
    }
  }

  /** Rewrites projected volume files from their sources; on failure the old files stay, as in the kubelet. */
  private async refreshVolumeFiles(): Promise<void> {
    this.refreshVolumes = false;
    try {
      this.volumePaths = await this.ctx.volumes.setUp(this.pod, this.ctx.sources);
    } catch (err) {
      this.ctx.logger.warn({ err, pod: this.key() }, 'volume refresh failed; keeping the files as they are');
      this.event('Warning', 'FailedMount', `MountVolume.SetUp failed: ${messageOf(err)}`);
    }
  }

  private sandboxConfig(attempt: number): PodSandboxConfig {
    const m = this.pod.metadata;
    const ports = [...(this.pod.spec.initContainers ?? []), ...this.pod.spec.containers].flatMap((c) => c.ports ?? []);
    return {
      metadata: { name: m.name, namespace: m.namespace ?? 'default', uid: this.uid, attempt },
      hostname: this.pod.spec.hostname ?? m.name,
      labels: { ...this.labels() },
      annotations: { ...m.annotations },
      portMappings: ports
        .filter((p) => p.hostPort)
        .map((p) => ({
          containerPort: p.containerPort,
          hostPort: p.hostPort ?? p.containerPort,
          protocol: p.protocol,
          hostIp: p.hostIP,
        })),
    };
  }

  private labels(): Record<string, string> {
    const m = this.pod.metadata;
    return {
      [criLabels.podName]: m.name,
      [criLabels.podNamespace]: m.namespace ?? 'default',
      [criLabels.podUid]: this.uid,
      [NODE_NAME_LABEL]: this.ctx.nodeName,
    };
  }

  private async startContainer(spec: Container, attempt: number, sandboxId: string, podIP: string): Promise<void> {
    const puller =
      this.images ??
      new PodImagePuller({
        images: this.ctx.runtime,
        clock: this.ctx.clock,
        backoff: this.ctx.imageBackoff,
        podUid: this.uid,
        event: (type, reason, message) => this.event(type, reason, message),
      });
    const pulled = await puller.ensure(spec);
    this.images = puller.hasFailed ? puller : undefined;
    if (!pulled.ready) {
      if (pulled.waiting) this.setWaiting(spec.name, pulled.waiting);
      this.wakeAt(pulled.retryAt);
      return;
    }
    let envs: { key: string; value: string }[];
    let mounts: ReturnType<PodVolumes['mountsFor']>;
    try {
      envs = await containerEnv(this.pod, spec, { podIP, hostIP: this.ctx.hostIP, sources: this.ctx.sources });
      mounts = this.ctx.volumes.mountsFor(
        this.pod,
        spec.name,
        this.volumePaths ?? (await this.ctx.volumes.setUp(this.pod, this.ctx.sources)),
      );
    } catch (err) {
      this.event('Warning', 'Failed', `Error: ${messageOf(err)}`);
      this.setWaiting(spec.name, { reason: 'CreateContainerConfigError', message: messageOf(err) });
      this.wakeAt(this.ctx.clock.now() + 10_000);
      return;
    }
    try {
      const id = await this.ctx.runtime.createContainer(
        sandboxId,
        {
          metadata: { name: spec.name, attempt },
          image: { image: spec.image },
          ...expandCommandAndArgs(spec, envs),
          workingDir: spec.workingDir,
          envs,
          mounts,
          labels: { ...this.labels(), [criLabels.containerName]: spec.name },
          annotations: spec.ports?.length ? { [criAnnotations.containerPorts]: JSON.stringify(spec.ports) } : undefined,
          linux: { resources: linuxResources(spec) },
        },
        this.sandboxConfig(0),
      );
      this.event('Normal', 'Created', `Created container ${spec.name}`);
      await this.ctx.runtime.startContainer(id);
      this.event('Normal', 'Started', `Started container ${spec.name}`);
      this.waiting?.delete(spec.name);
      await this.runPostStart(spec, id, podIP);
    } catch (err) {
      const reason = isRuntimeError(err, 'RunContainerError') ? 'RunContainerError' : 'CreateContainerError';
      this.event('Warning', 'Failed', `Error: ${messageOf(err)}`);
      this.setWaiting(spec.name, { reason, message: messageOf(err) });
      this.wakeAt(this.ctx.clock.now() + 10_000);
    }
  }

  /** The postStart hook; when it fails, the container is killed (and restarted by its restart policy). */
  private async runPostStart(spec: Container, containerId: string, podIP: string): Promise<void> {
    const hook = spec.lifecycle?.postStart;
    if (!hook) return;
    const target = { runtime: this.ctx.runtime, network: this.ctx.network, containerId, container: spec, podIP };
    const outcome = await runLifecycleHook(hook, target, this.ctx.clock, this.graceSeconds());
    if (outcome.success) return;
    this.event('Warning', 'FailedPostStartHook', hookFailureMessage(hook, spec.name, this.key(), outcome.message));
    this.event('Normal', 'Killing', `FailedPostStartHook: stopping container ${spec.name}`);
    await this.ctx.runtime.stopContainer(containerId, this.graceSeconds());
    this.trigger();
  }

  private setAllWaiting(reason: string, err: unknown): void {
    const message = messageOf(err);
    for (const c of [...(this.pod.spec.initContainers ?? []), ...this.pod.spec.containers]) {
      this.setWaiting(c.name, { reason, message });
    }
    this.wakeAt(this.ctx.clock.now() + 10_000);
  }

  /** Keeps the newest two instances of each container (current and previous), removes older ones. */
  private async collectGarbage(containers: CriContainerStatus[]): Promise<void> {
    const byName = new Map<string, CriContainerStatus[]>();
    for (const c of containers) byName.set(c.metadata.name, [...(byName.get(c.metadata.name) ?? []), c]);
    for (const list of byName.values()) {
      const old = list.sort((a, b) => b.metadata.attempt - a.metadata.attempt).slice(2);
      for (const c of old.filter((c) => c.state === 'CONTAINER_EXITED')) await this.ctx.runtime.removeContainer(c.id);
    }
  }

  private syncProbes(running: CriContainerStatus[], podIP = ''): void {
    const wanted = new Set<string>();
    for (const c of running) {
      const spec = [...this.pod.spec.containers].find((s) => s.name === c.metadata.name);
      if (!spec) continue;
      const kinds: [ProbeKind, typeof spec.livenessProbe][] = [
        ['startup', spec.startupProbe],
        ['liveness', spec.livenessProbe],
        ['readiness', spec.readinessProbe],
      ];
      for (const [kind, probe] of kinds) {
        if (!probe) continue;
        const key = `${c.id}/${kind}`;
        wanted.add(key);
        if (this.probes?.has(key)) continue;
        const startedGate = () => kind === 'startup' || this.probes?.get(`${c.id}/startup`)?.result !== 'unknown';
        this.probes ??= new Map();
        this.probes.set(
          key,
          new ProbeWorker(
            kind,
            probe,
            { runtime: this.ctx.runtime, network: this.ctx.network, containerId: c.id, container: spec, podIP },
            this.ctx.clock,
            c.startedAt,
            startedGate,
            () => this.trigger(),
            (message) => this.event('Warning', 'Unhealthy', `${capitalized(kind)} probe failed: ${message}`),
          ),
        );
      }
    }
    for (const [key, worker] of this.probes ?? []) {
      if (!wanted.has(key)) {
        worker.stop();
        this.probes?.delete(key);
      }
    }
  }

  private observed(spec: Container, containers: CriContainerStatus[]): ObservedContainer {
    const instances = containers
      .filter((c) => c.metadata.name === spec.name)
      .sort((a, b) => b.metadata.attempt - a.metadata.attempt);
    const current = instances[0];
    const running = current?.state === 'CONTAINER_RUNNING';
    const startup = current && this.probes?.get(`${current.id}/startup`);
    const readiness = current && this.probes?.get(`${current.id}/readiness`);
    const started = running && (!spec.startupProbe || startup?.result === 'success');
    const waiting = this.waiting?.get(spec.name);
    return {
      name: spec.name,
      image: spec.image,
      current,
      previous: instances[1],
      waiting: running ? undefined : waiting,
      started,
      ready: started && (!spec.readinessProbe || readiness?.result === 'success'),
    };
  }

  private async writeStatus(
    containers: CriContainerStatus[],
    podIP: string,
    initDone: boolean,
    initFailed = false,
  ): Promise<void> {
    const init = (this.pod.spec.initContainers ?? []).map((s) => {
      const o = this.observed(s, containers);
      return { ...o, ready: o.current?.state === 'CONTAINER_EXITED' && o.current.exitCode === 0 };
    });
    const status = computePodStatus(
      this.pod,
      {
        init,
        app: this.pod.spec.containers.map((s) => this.observed(s, containers)),
        initDone,
        initFailed,
        podIP,
        hostIP: this.ctx.hostIP,
        startTime: this.pod.status?.startTime ?? toTimestamp(this.ctx.clock.now()),
        runtimeName: this.ctx.runtimeName,
      },
      this.ctx.clock.now(),
    );
    const json = JSON.stringify(status);
    const digest = createHash('sha1').update(json).digest('base64');
    if (digest === this.lastWritten || json === JSON.stringify(this.pod.status)) return;
    try {
      // cloneJson, not structuredClone: the stored pod then shares its strings with the version before it, where a
      // structured clone gave every running pod its own copy of each image name, path and default.
      const written = await this.ctx.api.resource('Pod').updateStatus({ ...cloneJson(this.pod), status } as Pod);
      this.lastWritten = digest;
      // The informer has usually handed over this very version already (its shared, frozen copy): keep that one
      // rather than hold a second copy of the pod for as long as it runs.
      if (!this.pod.metadata.deletionTimestamp && revisionOf(written) > revisionOf(this.pod)) this.pod = written;
    } catch (err) {
      if (isReason(err, 'NotFound')) return;
      if (!isReason(err, 'Conflict')) throw err;
      // Our copy is stale: read the pod again and sync once more, so the status is not lost.
      const { namespace, name } = this.pod.metadata;
      this.pod = await this.ctx.api.resource('Pod').get(namespace ?? 'default', name);
      this.dirty = true;
    }
  }

  private graceSeconds(): number {
    return (
      this.pod.metadata.deletionGracePeriodSeconds ??
      this.pod.spec.terminationGracePeriodSeconds ??
      DEFAULT_GRACE_SECONDS
    );
  }

  private async terminate(state: { sandboxes: PodSandbox[]; containers: CriContainerStatus[] }): Promise<void> {
    this.terminationStarted ??= this.stopAll(state.containers);
    await this.terminationStarted;
    this.syncProbes([]);
    for (const c of state.containers) await this.ctx.runtime.removeContainer(c.id);
    for (const s of state.sandboxes) {
      await this.ctx.runtime.stopPodSandbox(s.id);
      await this.ctx.runtime.removePodSandbox(s.id);
    }
    const left = await this.observe();
    if (left.containers.length > 0 || left.sandboxes.length > 0) {
      this.trigger();
      return;
    }
    await this.ctx.volumes.tearDown(this.uid);
    if (!this.removed) {
      const { namespace, name } = this.pod.metadata;
      await this.ctx.api
        .resource('Pod')
        .delete(namespace ?? 'default', name, { gracePeriodSeconds: 0, preconditions: { uid: this.uid } })
        .catch((err: unknown) => {
          if (!isReason(err, 'NotFound') && !isReason(err, 'Conflict')) throw err;
        });
    }
    this.ctx.backoff.forgetPrefix(`${this.uid}/`);
    this.ctx.imageBackoff.forgetPrefix(`${this.uid}/`);
    this.stop();
    this.ctx.onFinished(this.uid);
  }

  /** preStop hooks, then SIGTERM and SIGKILL after what is left of the grace period, for every running container at once. */
  private async stopAll(containers: CriContainerStatus[]): Promise<void> {
    const grace = this.removed ? 0 : this.graceSeconds();
    const deadline = this.ctx.clock.now() + grace * 1000;
    await Promise.all(
      containers
        .filter((c) => c.state === 'CONTAINER_RUNNING')
        .map(async (c) => {
          const spec = [...(this.pod.spec.initContainers ?? []), ...this.pod.spec.containers].find(
            (s) => s.name === c.metadata.name,
          );
          const preStop = spec?.lifecycle?.preStop;
          if (spec && preStop && grace > 0) await this.runPreStop(preStop, spec, c);
          this.event('Normal', 'Killing', `Stopping container ${c.metadata.name}`);
          const left = Math.max(0, Math.ceil((deadline - this.ctx.clock.now()) / 1000));
          await this.ctx.runtime.stopContainer(c.id, left);
        }),
    );
  }

  private async runPreStop(hook: LifecycleHandler, spec: Container, c: CriContainerStatus): Promise<void> {
    const podIP = await this.podIPOf(c.podSandboxId);
    const target = { runtime: this.ctx.runtime, network: this.ctx.network, containerId: c.id, container: spec, podIP };
    const outcome = await runLifecycleHook(hook, target, this.ctx.clock, this.graceSeconds());
    if (!outcome.success) {
      this.event('Warning', 'FailedPreStopHook', hookFailureMessage(hook, spec.name, this.key(), outcome.message));
    }
  }

  private async podIPOf(sandboxId: string): Promise<string> {
    return (await this.ctx.runtime.podSandboxStatus(sandboxId).catch(() => undefined))?.network.ip ?? '';
  }
  /** Records why a container waits (the map is made on first use). */
  private setWaiting(name: string, waiting: { reason: string; message?: string }): void {
    this.waiting ??= new Map();
    this.waiting.set(name, waiting);
  }
}

/** The store revision a pod was read at. */
function revisionOf(pod: Pod): number {
  return Number(pod.metadata.resourceVersion ?? 0);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
