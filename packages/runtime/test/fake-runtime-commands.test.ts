import type { Container } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { getPod, pod, start, until } from './agent-harness.js';

/** What a user predicts from the manifest alone: images without scripts, their commands simulated. */
describe('FakeRuntime runs what the manifest says (NodeAgent on an unscripted image)', () => {
  const container = (command: string[] | undefined, extra: Partial<Container> = {}): Container => ({
    name: 'app',
    image: 'app:v1',
    ...(command ? { command } : {}),
    ...extra,
  });

  const finishing: { name: string; command: string[]; phase: string; exitCode: number; logs: string[] }[] = [
    {
      name: 'a Job-style echo and exit 0',
      command: ['sh', '-c', 'echo hi; exit 0'],
      phase: 'Succeeded',
      exitCode: 0,
      logs: ['hi'],
    },
    {
      name: 'exit N fails the pod',
      command: ['/bin/sh', '-c', 'echo failing; exit 2'],
      phase: 'Failed',
      exitCode: 2,
      logs: ['failing'],
    },
    { name: 'sleep then succeed', command: ['sleep', '3'], phase: 'Succeeded', exitCode: 0, logs: [] },
    { name: 'false fails', command: ['false'], phase: 'Failed', exitCode: 1, logs: [] },
  ];
  it.each(finishing)('$name: the pod ends $phase with exit code $exitCode', async ({
    command,
    phase,
    exitCode,
    logs,
  }) => {
    const h = await start();
    await h.api.resource('Pod').create(pod('job', { restartPolicy: 'Never', containers: [container(command)] }));
    await until(h, async () => (await getPod(h, 'job')).status?.phase === phase);
    const status = (await getPod(h, 'job')).status?.containerStatuses?.[0];
    expect(status?.state?.terminated?.exitCode).toBe(exitCode);
    const [created] = await h.runtime.listContainers();
    const printed: string[] = [];
    for await (const line of h.runtime.containerLogs(created.id)) printed.push(line.text);
    expect(printed).toEqual(logs);
  });

  it('init containers run to completion, in order, before the app container starts', async () => {
    const h = await start();
    await h.api.resource('Pod').create(
      pod('with-init', {
        restartPolicy: 'Never',
        initContainers: [
          { name: 'wait', image: 'init:v1', command: ['sh', '-c', 'echo waiting && sleep 2'] },
          { name: 'setup', image: 'init:v1', args: ['true'] },
        ],
        containers: [container(['sh', '-c', 'echo main; exit 0'])],
      }),
    );
    await until(h, async () => (await getPod(h, 'with-init')).status?.phase === 'Succeeded');
    const started = h.runtime.calls.filter((c) => c.op === 'startContainer').map((c) => c.at);
    expect(started).toHaveLength(3);
    expect(started[1] - started[0]).toBeGreaterThanOrEqual(2000);
    const pods = (await getPod(h, 'with-init')).status;
    expect(pods?.initContainerStatuses?.map((s) => s.state?.terminated?.reason)).toEqual(['Completed', 'Completed']);
  });

  it('an image with no script and no command is a server: it keeps running and answers on its declared port', async () => {
    const h = await start();
    await h.api.resource('Pod').create(
      pod('server', {
        containers: [
          container(undefined, {
            ports: [{ containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
          }),
        ],
      }),
    );
    await until(h, async () => {
      const conditions = (await getPod(h, 'server')).status?.conditions ?? [];
      return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    });
    expect((await getPod(h, 'server')).status?.phase).toBe('Running');
  });

  it('a command it does not understand runs until stopped (and opens no port)', async () => {
    const h = await start();
    await h.api.resource('Pod').create(pod('custom', { containers: [container(['my-server', '--port', '80'])] }));
    await until(h, async () => (await getPod(h, 'custom')).status?.phase === 'Running');
    const [created] = await h.runtime.listContainers();
    const ip = (await getPod(h, 'custom')).status?.podIP ?? '';
    expect(await h.runtime.network.tcpSocket({ host: ip, port: 80, timeoutMs: 1000 })).toMatchObject({
      success: false,
    });
    expect((await h.runtime.containerStatus(created.id)).state).toBe('CONTAINER_RUNNING');
  });

  it("a scripted image keeps its script's ports while its understood command decides the exit", async () => {
    const h = await start({ scripts: { 'web:v1': { listen: { 80: 200 } } } });
    await h.api.resource('Pod').create(
      pod('scripted', {
        restartPolicy: 'Never',
        containers: [{ name: 'w', image: 'web:v1', command: ['sleep', '5'] }],
      }),
    );
    await until(h, async () => (await getPod(h, 'scripted')).status?.phase === 'Running');
    const ip = (await getPod(h, 'scripted')).status?.podIP ?? '';
    expect(
      await h.runtime.network.httpGet({ host: ip, port: 80, path: '/', scheme: 'HTTP', headers: [], timeoutMs: 1000 }),
    ).toMatchObject({ success: true });
    await until(h, async () => (await getPod(h, 'scripted')).status?.phase === 'Succeeded');
  });
});
