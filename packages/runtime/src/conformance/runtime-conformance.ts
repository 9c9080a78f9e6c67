import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isRuntimeError } from '../cri/errors.js';
import type { ContainerEventResponse, PodSandboxConfig } from '../cri/messages.js';
import type { ConformanceFixture } from './fixture.js';
import { streamingConformanceCases } from './streaming-conformance.js';

/** Options for `describeRuntimeConformance`. */
export interface ConformanceOptions {
  /** The runtime implements `containerEvents$`; the suite then checks that exits are pushed. */
  pushesEvents: boolean;
  /** Longest time, in ms, the suite waits for a state change before failing. Default 10 s. */
  patienceMs?: number;
}

/**
 * The contract every `RuntimeService` + `ImageService` backend must meet,
 * as one vitest suite: call it from a test file with a fixture factory.
 * FakeRuntime runs it as a unit test, DockerRuntime against a real dockerd,
 * so the fake cannot drift from the real thing.
 */
export function describeRuntimeConformance(
  name: string,
  makeFixture: () => Promise<ConformanceFixture>,
  options: ConformanceOptions,
): void {
  describe(`runtime conformance: ${name}`, () => {
    let f: ConformanceFixture;
    const sandboxes: string[] = [];
    let seq = 0;
    const patienceMs = options.patienceMs ?? 10_000;

    beforeAll(async () => {
      f = await makeFixture();
    });
    afterEach(async () => {
      for (const id of sandboxes.splice(0)) await f.runtime.removePodSandbox(id);
    });
    afterAll(async () => {
      await f?.close();
    });

    const sandboxConfig = (): PodSandboxConfig => {
      seq += 1;
      return {
        metadata: { name: `conf-${seq}`, uid: `uid-${process.pid}-${seq}`, namespace: 'conformance', attempt: 0 },
        hostname: `conf-${seq}`,
        labels: { suite: 'conformance', case: String(seq) },
        annotations: { note: 'kept across restarts' },
      };
    };
    const newSandbox = async () => {
      const config = sandboxConfig();
      const id = await f.runtime.runPodSandbox(config);
      sandboxes.push(id);
      return { id, config };
    };
    /** Polls `check` until it passes, letting time pass between tries. */
    const eventually = async (check: () => Promise<void>) => {
      const step = 100;
      for (let waited = 0; ; waited += step) {
        try {
          await check();
          return;
        } catch (err) {
          if (waited >= patienceMs) throw err;
          await f.pass(step);
        }
      }
    };
    const runContainer = async (spec: Parameters<ConformanceFixture['container']>[1], name = 'app') => {
      const sb = await newSandbox();
      const id = await f.runtime.createContainer(sb.id, f.container(name, spec), sb.config);
      await f.runtime.startContainer(id);
      return { sandbox: sb, id };
    };

    it('reports its name and the CRI API version', async () => {
      const v = await f.runtime.version();
      expect(v.runtimeName).not.toBe('');
      expect(v.runtimeApiVersion).toBe('v1');
    });

    it('tells present images from absent ones', async () => {
      expect(await f.runtime.imageStatus({ image: f.presentImage })).toMatchObject({ id: expect.any(String) });
      expect(await f.runtime.imageStatus({ image: 'flotilla-conformance/absent:v0' })).toBeUndefined();
      const listed = await f.runtime.listImages({ image: { image: f.presentImage } });
      expect(listed).toHaveLength(1);
    });

    it('fails an unpullable image with ErrImagePull naming the image', async () => {
      const err = await f.runtime.pullImage({ image: f.unpullableImage }).catch((e: unknown) => e);
      expect(isRuntimeError(err, 'ErrImagePull')).toBe(true);
      expect(err).toMatchObject({ image: f.unpullableImage });
    });

    it('refuses to create a container whose image is absent, with ImageNotPresent', async () => {
      const sb = await newSandbox();
      const config = { ...f.container('app', {}), image: { image: 'flotilla-conformance/absent:v0' } };
      const err = await f.runtime.createContainer(sb.id, config, sb.config).catch((e: unknown) => e);
      expect(isRuntimeError(err, 'ImageNotPresent')).toBe(true);
    });

    it('runs a sandbox with an IP and keeps its metadata, labels and annotations', async () => {
      const { id, config } = await newSandbox();
      const status = await f.runtime.podSandboxStatus(id);
      expect(status).toMatchObject({
        id,
        state: 'SANDBOX_READY',
        metadata: config.metadata,
        labels: config.labels,
        annotations: config.annotations,
      });
      expect(status.network.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const listed = await f.runtime.listPodSandbox({ labelSelector: { case: config.labels!.case } });
      expect(listed.map((s) => s.id)).toEqual([id]);
    });

    it('stops and removes sandboxes idempotently; unknown ids are NotFound', async () => {
      const { id } = await newSandbox();
      await f.runtime.stopPodSandbox(id);
      expect((await f.runtime.podSandboxStatus(id)).state).toBe('SANDBOX_NOTREADY');
      await f.runtime.stopPodSandbox(id);
      await f.runtime.removePodSandbox(id);
      await f.runtime.removePodSandbox(id);
      expect(await f.runtime.listPodSandbox({ id })).toEqual([]);
      const err = await f.runtime.podSandboxStatus(id).catch((e: unknown) => e);
      expect(isRuntimeError(err, 'NotFound')).toBe(true);
      const err2 = await f.runtime.containerStatus('0123456789abcdef-missing').catch((e: unknown) => e);
      expect(isRuntimeError(err2, 'NotFound')).toBe(true);
    });

    it('takes a container through CREATED, RUNNING and EXITED, then removes it', async () => {
      const sb = await newSandbox();
      const id = await f.runtime.createContainer(sb.id, f.container('web', {}), sb.config);
      expect((await f.runtime.containerStatus(id)).state).toBe('CONTAINER_CREATED');
      await f.runtime.startContainer(id);
      const running = await f.runtime.containerStatus(id);
      expect(running).toMatchObject({
        state: 'CONTAINER_RUNNING',
        podSandboxId: sb.id,
        metadata: { name: 'web', attempt: 0 },
      });
      expect(running.startedAt).toBeGreaterThan(0);
      await f.runtime.stopContainer(id, 5);
      const exited = await f.runtime.containerStatus(id);
      expect(exited).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 143, reason: 'Error' });
      expect(exited.finishedAt).toBeGreaterThanOrEqual(exited.startedAt);
      await f.runtime.stopContainer(id, 5);
      await f.runtime.removeContainer(id);
      expect(await f.runtime.listContainers({ id })).toEqual([]);
    });

    it.each([
      { code: 0, reason: 'Completed' },
      { code: 3, reason: 'Error' },
    ])('reports a process that exits with $code as EXITED, reason $reason', async ({ code, reason }) => {
      const { id } = await runContainer({ exit: { code, afterMs: 200 } });
      await eventually(async () => {
        expect(await f.runtime.containerStatus(id)).toMatchObject({
          state: 'CONTAINER_EXITED',
          exitCode: code,
          reason,
        });
      });
    });

    it('reports a container ended by the OOM killer as OOMKilled', async () => {
      const { id } = await runContainer({ oom: true });
      await eventually(async () => {
        expect(await f.runtime.containerStatus(id)).toMatchObject({ state: 'CONTAINER_EXITED', reason: 'OOMKilled' });
      });
    });

    it('kills a process that ignores SIGTERM once the stop timeout runs out', async () => {
      const { id } = await runContainer({ ignoresSigterm: true });
      const stopping = f.runtime.stopContainer(id, 1);
      await f.pass(1000);
      await stopping;
      expect(await f.runtime.containerStatus(id)).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 137 });
    });

    it('finds containers by sandbox, state and labels, with metadata and annotations', async () => {
      const sb = await newSandbox();
      const config = {
        ...f.container('side', {}),
        labels: { role: 'sidecar' },
        annotations: { hash: 'abc' },
        metadata: { name: 'side', attempt: 2 },
      };
      const id = await f.runtime.createContainer(sb.id, config, sb.config);
      await f.runtime.startContainer(id);
      const found = await f.runtime.listContainers({
        podSandboxId: sb.id,
        state: 'CONTAINER_RUNNING',
        labelSelector: { role: 'sidecar' },
      });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ id, metadata: { name: 'side', attempt: 2 }, annotations: { hash: 'abc' } });
      expect(await f.runtime.listContainers({ podSandboxId: sb.id, state: 'CONTAINER_EXITED' })).toEqual([]);
    });

    it('runs exec commands and returns their output and exit code', async () => {
      const ok = { stdout: 'hello\n', stderr: '', exitCode: 0 };
      const bad = { stdout: 'partial\n', stderr: 'boom\n', exitCode: 4 };
      const { id } = await runContainer({ exec: [ok, bad] });
      expect(await f.runtime.execSync(id, f.execCommandFor(ok), 10)).toEqual(ok);
      expect(await f.runtime.execSync(id, f.execCommandFor(bad), 10)).toEqual(bad);
    });

    it('returns a container log, whole or its tail', async () => {
      const { id } = await runContainer({ logs: ['one', 'two', 'three'] });
      const read = async (tailLines?: number) => {
        const lines: string[] = [];
        for await (const l of f.runtime.containerLogs(id, { tailLines })) lines.push(l.text);
        return lines;
      };
      await eventually(async () => expect(await read()).toEqual(['one', 'two', 'three']));
      expect(await read(1)).toEqual(['three']);
    });

    it('follows a log until the container exits', async () => {
      const { id } = await runContainer({ logs: ['first'], exit: { code: 0, afterMs: 500 } });
      const lines: string[] = [];
      const following = (async () => {
        for await (const l of f.runtime.containerLogs(id, { follow: true })) lines.push(l.text);
      })();
      await eventually(async () => {
        expect((await f.runtime.containerStatus(id)).state).toBe('CONTAINER_EXITED');
      });
      await following;
      expect(lines).toEqual(['first']);
    });

    it('reports CPU and memory usage of running containers', async () => {
      const { sandbox, id } = await runContainer({});
      await eventually(async () => {
        const stats = await f.runtime.containerStats(id);
        expect(stats.attributes.id).toBe(id);
        expect(stats.memory.workingSetBytes).toBeGreaterThan(0);
        expect(stats.cpu.usageNanoCores).toBeGreaterThanOrEqual(0);
      });
      const listed = await f.runtime.listContainerStats({ podSandboxId: sandbox.id });
      expect(listed.map((s) => s.attributes.id)).toEqual([id]);
    });

    it('stops every container of a sandbox with the sandbox', async () => {
      const { sandbox, id } = await runContainer({});
      await f.runtime.stopPodSandbox(sandbox.id);
      expect((await f.runtime.containerStatus(id)).state).toBe('CONTAINER_EXITED');
      await f.runtime.removePodSandbox(sandbox.id);
      expect(await f.runtime.listContainers({ podSandboxId: sandbox.id })).toEqual([]);
    });

    streamingConformanceCases({ fixture: () => f, runContainer, eventually });

    if (options.pushesEvents) {
      it('pushes a CONTAINER_STOPPED_EVENT when a container exits', async () => {
        const seen: ContainerEventResponse[] = [];
        const sub = f.runtime.containerEvents$!.subscribe((e) => seen.push(e));
        try {
          const { id } = await runContainer({ exit: { code: 1, afterMs: 200 } });
          await eventually(async () => {
            expect(seen).toContainEqual(
              expect.objectContaining({ containerId: id, containerEventType: 'CONTAINER_STOPPED_EVENT' }),
            );
          });
        } finally {
          sub.unsubscribe();
        }
      });
    }
  });
}
