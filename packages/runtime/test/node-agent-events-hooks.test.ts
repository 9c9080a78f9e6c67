import type { Event } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { type ContainerScript, RuntimeError } from '../src/index.js';
import { getPod, type Harness, NODE, pod, start, until } from './agent-harness.js';

/** The pod's Events in the order they were last written, as `<type> <reason>: <message>`. */
async function podEvents(h: Harness, name: string): Promise<string[]> {
  const { items } = await h.api.resource('Event').list({ namespace: 'default' });
  return (items as Event[])
    .filter((e) => e.involvedObject.name === name)
    .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .map((e) => `${e.type} ${e.reason}: ${e.message}`);
}

const waitingOf = async (h: Harness, name: string) =>
  (await getPod(h, name)).status?.containerStatuses?.[0].state?.waiting;

describe('NodeAgent Events', () => {
  it('records Pulled, Created and Started from component kubelet on its node when a pod starts', async () => {
    const h = await start();
    const created = await h.api.resource('Pod').create(pod('hello'));
    await until(h, async () => (await podEvents(h, 'hello')).length === 3);
    expect(await podEvents(h, 'hello')).toEqual([
      'Normal Pulled: Container image "app:v1" already present on machine',
      'Normal Created: Created container app',
      'Normal Started: Started container app',
    ]);
    const [event] = (await h.api.resource('Event').list({ namespace: 'default' })).items as Event[];
    expect(event.source).toEqual({ component: 'kubelet', host: NODE });
    expect(event.involvedObject).toMatchObject({ kind: 'Pod', name: 'hello', uid: created.metadata.uid });
  });

  it('records Pulling and Pulled with the pull time for an image it had to pull', async () => {
    const h = await start();
    await h.api.resource('Pod').create(pod('fresh', { containers: [{ name: 'app', image: 'fresh:v2' }] }));
    await until(h, async () => (await getPod(h, 'fresh')).status?.phase === 'Running');
    expect((await podEvents(h, 'fresh')).slice(0, 2)).toEqual([
      'Normal Pulling: Pulling image "fresh:v2"',
      'Normal Pulled: Successfully pulled image "fresh:v2" in 0s',
    ]);
  });

  it.each([
    {
      name: 'crash',
      what: 'a crash-looping container: BackOff',
      scripts: { 'app:v1': { runMs: 1000, exitCode: 1 } } as Record<string, ContainerScript>,
      spec: {},
      unpullable: undefined,
      expected: [/^Warning BackOff: Back-off restarting failed container app in pod crash_default\(.+\)$/],
    },
    {
      name: 'nopull',
      what: 'an unpullable image: Failed, then BackOff',
      scripts: {},
      spec: { containers: [{ name: 'app', image: 'missing:v1' }] },
      unpullable: 'missing:v1',
      expected: [
        /^Warning Failed: Failed to pull image "missing:v1": .*manifest unknown$/,
        /^Warning Failed: Error: ErrImagePull$/,
        /^Normal BackOff: Back-off pulling image "missing:v1"$/,
      ],
    },
    {
      name: 'sick',
      what: 'a failing liveness probe: Unhealthy and Killing',
      scripts: {},
      spec: {
        containers: [{ name: 'app', image: 'app:v1', livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }],
      },
      unpullable: undefined,
      expected: [
        /^Warning Unhealthy: Liveness probe failed: /,
        /^Normal Killing: Container app failed liveness probe, will be restarted$/,
      ],
    },
  ])('records the kubelet reasons for $what', async ({ name, scripts, spec, unpullable, expected }) => {
    const h = await start({ scripts });
    if (unpullable) h.runtime.failPull(unpullable, 'manifest unknown');
    await h.api.resource('Pod').create(pod(name, spec));
    const allSeen = async () => {
      const events = await podEvents(h, name);
      return expected.every((re) => events.some((e) => re.test(e)));
    };
    await until(h, allSeen, 30_000);
  });

  it('records FailedCreatePodSandBox when the runtime cannot run the sandbox, and keeps retrying', async () => {
    const h = await start();
    let attempts = 0;
    h.runtime.runPodSandbox = async () => {
      attempts += 1;
      throw new RuntimeError('Internal', 'no addresses left in the pod range');
    };
    await h.api.resource('Pod').create(pod('nosandbox'));
    await until(h, async () => attempts >= 2);
    expect(await podEvents(h, 'nosandbox')).toContain(
      'Warning FailedCreatePodSandBox: Failed to create pod sandbox: no addresses left in the pod range',
    );
  });

  it('records Killing for each container when a pod is deleted', async () => {
    const h = await start();
    await h.api.resource('Pod').create(pod('bye'));
    await until(h, async () => (await getPod(h, 'bye')).status?.phase === 'Running');
    await h.api.resource('Pod').delete('default', 'bye');
    await until(h, async () => (await podEvents(h, 'bye')).includes('Normal Killing: Stopping container app'));
  });
});

describe('NodeAgent postStart hooks', () => {
  it('runs the hook right after the container starts and reports Running only after it', async () => {
    const h = await start();
    await h.api.resource('Pod').create(
      pod('hooked', {
        containers: [{ name: 'app', image: 'app:v1', lifecycle: { postStart: { exec: { command: ['warm', 'up'] } } } }],
      }),
    );
    await until(h, async () => (await getPod(h, 'hooked')).status?.phase === 'Running');
    const ops = h.runtime.calls.map((c) => `${c.op}${c.detail ? `(${c.detail})` : ''}`);
    expect(ops.slice(ops.indexOf('startContainer'), ops.indexOf('startContainer') + 2)).toEqual([
      'startContainer',
      'execSync(warm up)',
    ]);
    expect(h.runtime.calls.filter((c) => c.op === 'stopContainer')).toEqual([]);
  });

  it('kills the container when the hook fails, records FailedPostStartHook, and restarts it with backoff', async () => {
    const h = await start({
      scripts: { 'app:v1': { exec: { 'warm up': { stdout: '', stderr: 'cache missing', exitCode: 2 } } } },
    });
    await h.api.resource('Pod').create(
      pod('badhook', {
        containers: [{ name: 'app', image: 'app:v1', lifecycle: { postStart: { exec: { command: ['warm', 'up'] } } } }],
      }),
    );
    await until(h, async () => (await getPod(h, 'badhook')).status?.containerStatuses?.[0].restartCount === 1, 20_000);
    expect(await podEvents(h, 'badhook')).toContain(
      'Warning FailedPostStartHook: Exec lifecycle hook (["warm","up"]) for Container "app" in Pod "default/badhook" failed - command exited with 2: cache missing',
    );
    const ops = h.runtime.calls.map((c) => c.op);
    expect(ops.slice(0, 6)).toEqual([
      'runPodSandbox',
      'createContainer',
      'startContainer',
      'execSync',
      'stopContainer',
      'createContainer',
    ]);
    await until(h, async () => (await waitingOf(h, 'badhook'))?.reason === 'CrashLoopBackOff', 20_000);
  });
});

describe('NodeAgent imagePullPolicy with a present image whose registry fails', () => {
  const localPod = (policy: 'Always' | 'IfNotPresent') =>
    pod('local', { containers: [{ name: 'app', image: 'app:v1', imagePullPolicy: policy }] });

  it('Always fails with ErrImagePull, as Kubernetes does, and the message says to use IfNotPresent', async () => {
    const h = await start();
    h.runtime.failPull('app:v1', 'dial tcp: lookup registry: no such host');
    await h.api.resource('Pod').create(localPod('Always'));
    await until(h, async () => (await waitingOf(h, 'local'))?.reason === 'ErrImagePull');
    const waiting = await waitingOf(h, 'local');
    expect(waiting?.message).toContain('no such host');
    expect(waiting?.message).toContain('the image is present on this node but imagePullPolicy is Always');
    expect(waiting?.message).toContain('set imagePullPolicy: IfNotPresent');
    expect((await getPod(h, 'local')).status?.phase).toBe('Pending');
  });

  it('Never with an absent image waits with ErrImageNeverPull and never pulls', async () => {
    const h = await start();
    await h.api
      .resource('Pod')
      .create(pod('never', { containers: [{ name: 'app', image: 'absent:v1', imagePullPolicy: 'Never' }] }));
    await until(h, async () => (await waitingOf(h, 'never'))?.reason === 'ErrImageNeverPull');
    expect((await waitingOf(h, 'never'))?.message).toContain('is not present with pull policy of Never');
    expect(await podEvents(h, 'never')).toContain(
      'Warning ErrImageNeverPull: Container image "absent:v1" is not present with pull policy of Never',
    );
    expect(h.runtime.calls.filter((c) => c.op === 'pullImage')).toEqual([]);
  });

  it('IfNotPresent runs the local image without pulling', async () => {
    const h = await start();
    h.runtime.failPull('app:v1', 'dial tcp: lookup registry: no such host');
    await h.api.resource('Pod').create(localPod('IfNotPresent'));
    await until(h, async () => (await getPod(h, 'local')).status?.phase === 'Running');
    expect(h.runtime.calls.filter((c) => c.op === 'pullImage')).toEqual([]);
  });
});
