import { describe, expect, it, vi } from 'vitest';
import { criLabels } from '../src/index.js';
import { advance, getPod, NODE, pod, start, until } from './agent-harness.js';

describe('NodeAgent node registration and lease', () => {
  it('registers its Node with capacity, addresses, runtime version and a Ready condition', async () => {
    const h = await start();
    await until(
      h,
      async () =>
        !!(
          await h.api
            .resource('Node')
            .get(NODE)
            .catch(() => undefined)
        )?.status,
    );
    const node = await h.api.resource('Node').get(NODE);
    expect(node.status).toMatchObject({
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      addresses: [
        { type: 'InternalIP', address: '198.18.0.10' },
        { type: 'Hostname', address: NODE },
      ],
      nodeInfo: { containerRuntimeVersion: 'fake://0.1.0' },
    });
    expect(node.spec?.podCIDR).toBe('198.18.10.0/24');
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'KubeletReady',
    });
  });

  it('renews its Lease in kube-node-lease every 10 seconds', async () => {
    const h = await start();
    const renewTime = async () => (await h.api.resource('Lease').get('kube-node-lease', NODE)).spec.renewTime;
    await until(h, async () => !!(await renewTime().catch(() => undefined)));
    const first = Date.parse((await renewTime())!);
    await advance(h, 10_000);
    const second = Date.parse((await renewTime())!);
    expect(second - first).toBe(10_000);
    const lease = await h.api.resource('Lease').get('kube-node-lease', NODE);
    expect(lease.spec).toMatchObject({ holderIdentity: NODE, leaseDurationSeconds: 40 });
  });

  it('writes an unchanged Node status every 5 minutes, and a changed one within 10 seconds (nodeStatusReportFrequency)', async () => {
    const h = await start();
    const readyHeartbeat = async () =>
      (await h.api.resource('Node').get(NODE)).status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime;
    await until(h, async () => !!(await readyHeartbeat().catch(() => undefined)));
    const registered = Date.parse((await readyHeartbeat())!);
    // The Lease is the heartbeat: an unchanged status stays as written for 5 minutes.
    await advance(h, 290_000, 10_000);
    expect(Date.parse((await readyHeartbeat())!)).toBe(registered);
    await advance(h, 20_000, 10_000);
    expect(Date.parse((await readyHeartbeat())!) - registered).toBe(300_000);
    // Another writer's change (the lifecycle controller marking Ready Unknown) is put right at the next check.
    const node = await h.api.resource('Node').get(NODE);
    const conditions = node.status!.conditions!.map((c) =>
      c.type === 'Ready' ? { ...c, status: 'Unknown' as const } : c,
    );
    await h.api.resource('Node').updateStatus({ ...node, status: { ...node.status, conditions } });
    await advance(h, 10_000, 10_000);
    const ready = (await h.api.resource('Node').get(NODE)).status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.status).toBe('True');
  });
});

describe('NodeAgent shutdown', () => {
  it('leaves no timer behind when stopped while a periodic relist is still in flight', async () => {
    const h = await start();
    await advance(h, 2000);
    const listSandboxes = h.runtime.listPodSandbox.bind(h.runtime);
    let release = () => {};
    h.runtime.listPodSandbox = (filter) =>
      new Promise((resolve) => {
        release = () => resolve(listSandboxes(filter));
      });
    await advance(h, 1000);
    await h.stop();
    release();
    await h.clock.flush();
    expect(h.clock.pendingTimers).toBe(0);
  });
});

describe('NodeAgent pod lifecycle', () => {
  it('starts the sandbox, init containers in order, then app containers, and reports Running and Ready', async () => {
    const h = await start({ scripts: { 'init:v1': { runMs: 1000, exitCode: 0 } } });
    await h.api.resource('Pod').create(
      pod('web', {
        initContainers: [
          { name: 'init-1', image: 'init:v1' },
          { name: 'init-2', image: 'init:v1' },
        ],
      }),
    );
    await until(h, async () => !!(await getPod(h, 'web')).status?.initContainerStatuses?.[0].state?.running);
    const pending = await getPod(h, 'web');
    expect(pending.status?.initContainerStatuses?.[0].state?.running).toBeDefined();
    expect(pending.status?.containerStatuses?.[0].state?.waiting?.reason).toBe('PodInitializing');
    await until(h, async () => (await getPod(h, 'web')).status?.phase === 'Running');
    const running = await getPod(h, 'web');
    expect(running.status).toMatchObject({ podIP: '198.18.10.2', hostIP: '198.18.0.10', phase: 'Running' });
    expect(running.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodScheduled=True',
      'Initialized=True',
      'ContainersReady=True',
      'Ready=True',
    ]);
    expect(running.status?.containerStatuses?.[0]).toMatchObject({
      name: 'app',
      ready: true,
      started: true,
      restartCount: 0,
      image: 'app:v1',
      containerID: expect.stringMatching(/^fake:\/\//),
    });
    const order = h.runtime.calls.filter((c) => c.op === 'runPodSandbox' || c.op === 'startContainer').map((c) => c.op);
    expect(order).toEqual(['runPodSandbox', 'startContainer', 'startContainer', 'startContainer']);
    const initStarts = h.runtime.calls.filter((c) => c.op === 'startContainer').map((c) => c.at);
    expect(initStarts[1] - initStarts[0]).toBeGreaterThanOrEqual(1000);
  });

  it('fails the pod when an init container fails under restartPolicy Never', async () => {
    const h = await start({ scripts: { 'init:v1': { runMs: 500, exitCode: 2 } } });
    await h.api
      .resource('Pod')
      .create(pod('bad-init', { restartPolicy: 'Never', initContainers: [{ name: 'init', image: 'init:v1' }] }));
    await until(h, async () => (await getPod(h, 'bad-init')).status?.phase === 'Failed');
    expect(h.runtime.calls.filter((c) => c.op === 'startContainer')).toHaveLength(1);
  });

  it.each([
    { policy: 'Never' as const, exitCode: 0, phase: 'Succeeded' },
    { policy: 'Never' as const, exitCode: 1, phase: 'Failed' },
    { policy: 'OnFailure' as const, exitCode: 0, phase: 'Succeeded' },
  ])('restartPolicy $policy with exit $exitCode ends $phase without restarts', async ({ policy, exitCode, phase }) => {
    const h = await start({ scripts: { 'app:v1': { runMs: 1000, exitCode } } });
    await h.api.resource('Pod').create(pod('job', { restartPolicy: policy }));
    await until(h, async () => (await getPod(h, 'job')).status?.phase === phase);
    await advance(h, 30_000, 1000);
    expect(h.runtime.calls.filter((c) => c.op === 'startContainer')).toHaveLength(1);
    expect((await getPod(h, 'job')).status?.containerStatuses?.[0].state?.terminated?.exitCode).toBe(exitCode);
  });

  // Kubernetes' kubelet (pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff over client-go
  // util/flowcontrol/backoff.go): no backoff entry on the first exit, so it restarts at once; Next then sets
  // 10 s (the initial backoff), doubling on each restart up to 5 min.
  it('restarts a crashing container at once, then after 10 s, 20 s, 40 s, and reports CrashLoopBackOff', async () => {
    const h = await start({ scripts: { 'app:v1': { runMs: 1000, exitCode: 1 } } });
    await h.api.resource('Pod').create(pod('crash'));
    await advance(h, 1000 + 0 + 1000 + 10_000 + 1000 + 20_000 + 1000 + 40_000 + 1000 + 500, 250);
    const starts = h.runtime.calls.filter((c) => c.op === 'startContainer').map((c) => c.at - h.runtime.calls[0].at);
    const gaps = starts.slice(1).map((t, i) => t - starts[i] - 1000);
    expect(gaps.slice(0, 4)).toEqual([0, 10_000, 20_000, 40_000]);
    await until(
      h,
      async () =>
        (await getPod(h, 'crash')).status?.containerStatuses?.[0].state?.waiting?.reason === 'CrashLoopBackOff',
    );
    const status = (await getPod(h, 'crash')).status!;
    expect(status.phase).toBe('Running');
    expect(status.containerStatuses?.[0]).toMatchObject({
      restartCount: 4,
      lastState: { terminated: { exitCode: 1 } },
    });
  });

  it('reads a container’s logs by the names the API shows, and the previous run’s with previous', async () => {
    const h = await start({
      scripts: {
        'app:v1': { runs: [{ runMs: 1000, exitCode: 1, logs: ['first run'] }, { logs: ['second run'] }] },
      },
    });
    await h.api.resource('Pod').create(pod('logs'));
    await until(h, async () => (await getPod(h, 'logs')).status?.containerStatuses?.[0].restartCount === 1, 15_000);
    const read = async (options = {}) => {
      const lines: string[] = [];
      for await (const line of h.agent.containerLogs('default', 'logs', 'app', options)) lines.push(line.text);
      return lines;
    };
    expect(await read()).toEqual(['second run']);
    expect(await read({ previous: true })).toEqual(['first run']);
    const missing = async (ns: string, podName: string, container: string) => {
      try {
        for await (const _ of h.agent.containerLogs(ns, podName, container)) return 'read';
        return 'empty';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(await missing('default', 'logs', 'nope')).toBe(
      'container "nope" is not in pod "default/logs"; its containers: app',
    );
    expect(await missing('default', 'ghost', 'app')).toBe('pod "default/ghost" is not on node "node-a"');
  });

  it('reports ErrImagePull then ImagePullBackOff for an unpullable image, without crashing', async () => {
    const h = await start();
    h.runtime.failPull('missing:v1', 'not found');
    await h.api.resource('Pod').create(pod('nopull', { containers: [{ name: 'app', image: 'missing:v1' }] }));
    await until(
      h,
      async () => (await getPod(h, 'nopull')).status?.containerStatuses?.[0].state?.waiting?.reason === 'ErrImagePull',
    );
    const pulls = () => h.runtime.calls.filter((c) => c.op === 'pullImage').length;
    await until(
      h,
      async () =>
        (await getPod(h, 'nopull')).status?.containerStatuses?.[0].state?.waiting?.reason === 'ImagePullBackOff',
      30_000,
    );
    expect(pulls()).toBe(2);
    await advance(h, 19_000, 250);
    expect(pulls()).toBe(2);
    await advance(h, 1500, 250);
    expect(pulls()).toBe(3);
    expect((await getPod(h, 'nopull')).status?.phase).toBe('Pending');
  });
});

describe('NodeAgent probes', () => {
  it('keeps a container unready until its readiness probe passes, then Ready', async () => {
    const h = await start({ scripts: { 'web:v1': {} } });
    await h.api.resource('Pod').create(
      pod('ready', {
        containers: [
          {
            name: 'web',
            image: 'web:v1',
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: {
              httpGet: { port: 'http', path: '/' },
              initialDelaySeconds: 5,
              periodSeconds: 2,
              successThreshold: 1,
              failureThreshold: 3,
            },
          },
        ],
      }),
    );
    await until(h, async () => (await getPod(h, 'ready')).status?.phase === 'Running');
    const id = (await h.runtime.listContainers({ state: 'CONTAINER_RUNNING' }))[0].id;
    await advance(h, 8000);
    expect((await getPod(h, 'ready')).status?.containerStatuses?.[0].ready).toBe(false);
    h.runtime.setListening(id, 8080, 200);
    await advance(h, 2500);
    const status = (await getPod(h, 'ready')).status!;
    expect(status.containerStatuses?.[0].ready).toBe(true);
    expect(status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('restarts a container whose liveness probe fails failureThreshold times in a row', async () => {
    const h = await start({ scripts: { 'web:v1': { listen: { 8080: 200 } } } });
    await h.api.resource('Pod').create(
      pod('live', {
        containers: [
          {
            name: 'web',
            image: 'web:v1',
            livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 3 },
          },
        ],
      }),
    );
    await until(h, async () => (await getPod(h, 'live')).status?.phase === 'Running');
    const id = (await h.runtime.listContainers({ state: 'CONTAINER_RUNNING' }))[0].id;
    await advance(h, 5000);
    expect(h.runtime.calls.filter((c) => c.op === 'stopContainer')).toHaveLength(0);
    h.runtime.setListening(id, 8080, undefined);
    await advance(h, 3500);
    expect(h.runtime.calls.filter((c) => c.op === 'stopContainer').map((c) => c.target)).toEqual([id]);
    await until(h, async () => (await getPod(h, 'live')).status?.containerStatuses?.[0].restartCount === 1, 15_000);
  });
});

describe('NodeAgent termination and admission', () => {
  it('runs preStop, then stops with the grace period, removes everything, and only then deletes the pod', async () => {
    const h = await start({ scripts: { 'app:v1': { ignoresSigterm: true } } });
    await h.api.resource('Pod').create(
      pod('bye', {
        terminationGracePeriodSeconds: 5,
        containers: [{ name: 'app', image: 'app:v1', lifecycle: { preStop: { exec: { command: ['drain'] } } } }],
      }),
    );
    await until(h, async () => (await getPod(h, 'bye')).status?.phase === 'Running');
    const deletedAt = h.clock.now();
    await h.api.resource('Pod').delete('default', 'bye');
    await advance(h, 2000);
    expect((await getPod(h, 'bye')).metadata.deletionTimestamp).toBeDefined();
    await until(h, async () => !(await getPod(h, 'bye').catch(() => undefined)));
    const ops = h.runtime.calls
      .filter((c) => c.at >= deletedAt)
      .map((c) => `${c.op}${c.detail ? `(${c.detail})` : ''}`);
    expect(ops.slice(0, 3)).toEqual(['execSync(drain)', 'stopContainer(5)', 'removeContainer']);
    expect(ops).toContain('removePodSandbox');
    const stopAt = h.runtime.calls.find((c) => c.op === 'stopContainer')!.at;
    const removeAt = h.runtime.calls.find((c) => c.op === 'removeContainer')!.at;
    expect(removeAt - stopAt).toBe(5000);
    expect(await h.runtime.listPodSandbox()).toEqual([]);
  });

  it('rejects pods that do not fit allocatable with OutOfcpu / OutOfmemory', async () => {
    const h = await start({ capacity: { cpu: '1', memory: '1Gi', pods: '110' } });
    const sized = (name: string, cpu: string, memory: string) =>
      pod(name, { containers: [{ name: 'app', image: 'app:v1', resources: { requests: { cpu, memory } } }] });
    await h.api.resource('Pod').create(sized('fits', '600m', '512Mi'));
    await until(h, async () => (await getPod(h, 'fits')).status?.phase === 'Running');
    await h.api.resource('Pod').create(sized('too-much-cpu', '500m', '100Mi'));
    await h.api.resource('Pod').create(sized('too-much-mem', '100m', '600Mi'));
    await until(h, async () => (await getPod(h, 'too-much-mem')).status?.phase === 'Failed');
    expect((await getPod(h, 'too-much-cpu')).status).toMatchObject({ phase: 'Failed', reason: 'OutOfcpu' });
    expect((await getPod(h, 'too-much-mem')).status).toMatchObject({ phase: 'Failed', reason: 'OutOfmemory' });
  });

  it('admits a pod into the room a finished pod left, counting only pods still running', async () => {
    const h = await start({
      capacity: { cpu: '1', memory: '1Gi', pods: '110' },
      scripts: { 'init:v1': { runMs: 1000, exitCode: 0 } },
    });
    const sized = (name: string, image: string) =>
      pod(name, {
        restartPolicy: 'Never',
        containers: [{ name: 'app', image, resources: { requests: { cpu: '600m', memory: '100Mi' } } }],
      });
    await h.api.resource('Pod').create(sized('finishes', 'init:v1'));
    await until(h, async () => (await getPod(h, 'finishes')).status?.phase === 'Succeeded');
    await h.api.resource('Pod').create(sized('after', 'app:v1'));
    await until(h, async () => (await getPod(h, 'after')).status?.phase === 'Running');
    await h.api.resource('Pod').create(sized('no-room', 'app:v1'));
    await until(h, async () => (await getPod(h, 'no-room')).status?.phase === 'Failed');
    expect((await getPod(h, 'no-room')).status).toMatchObject({ reason: 'OutOfcpu' });
  });

  it('restarts a container that was killed behind its back (PLEG relist)', async () => {
    const h = await start();
    await h.api.resource('Pod').create(pod('heal'));
    await until(h, async () => (await getPod(h, 'heal')).status?.phase === 'Running');
    const id = (await h.runtime.listContainers({ state: 'CONTAINER_RUNNING' }))[0].id;
    h.runtime.kill(id);
    await until(h, async () => (await getPod(h, 'heal')).status?.containerStatuses?.[0].restartCount === 1, 15_000);
    expect((await h.runtime.listContainers({ state: 'CONTAINER_RUNNING' })).map((c) => c.id)).not.toContain(id);
  });
});

describe('NodeAgent runtime events (evented PLEG)', () => {
  it('wakes only the worker of the pod a container event belongs to, without relisting the node', async () => {
    const h = await start({ relistIntervalMs: 600_000 });
    await h.api.resource('Pod').create(pod('hit'));
    await h.api.resource('Pod').create(pod('bystander'));
    await until(h, async () => (await getPod(h, 'hit')).status?.phase === 'Running');
    await until(h, async () => (await getPod(h, 'bystander')).status?.phase === 'Running');
    const lists = vi.spyOn(h.runtime, 'listPodSandbox');
    const [killed] = await h.runtime.listContainers({ labelSelector: { [criLabels.podName]: 'hit' } });
    h.runtime.kill(killed.id);
    await until(h, async () => (await getPod(h, 'hit')).status?.containerStatuses?.[0].restartCount === 1, 15_000);
    const nodeWide = lists.mock.calls.filter(([filter]) => !filter?.id && !filter?.labelSelector?.[criLabels.podUid]);
    expect(nodeWide).toEqual([]);
    expect((await getPod(h, 'bystander')).status?.containerStatuses?.[0].restartCount).toBe(0);
  });
});

describe('NodeAgent environment and metrics', () => {
  it('gives containers env from values, ConfigMaps, Secrets, the downward API and services', async () => {
    const h = await start();
    await h.api.resource('ConfigMap').create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'default' },
      data: { MODE: 'fast' },
    });
    await h.api.resource('Secret').create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sec', namespace: 'default' },
      data: { TOKEN: Buffer.from('s3cret').toString('base64') },
    });
    await h.api.resource('Service').create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'redis-main', namespace: 'default' },
      spec: { clusterIP: '198.18.200.7', ports: [{ name: 'tcp', port: 6379 }] },
    });
    await h.api.resource('Pod').create(
      pod('env', {
        containers: [
          {
            name: 'app',
            image: 'app:v1',
            envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
            env: [
              { name: 'GREETING', value: 'hi $(CFG_MODE)' },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'sec', key: 'TOKEN' } } },
            ],
          },
        ],
      }),
    );
    await until(h, async () => (await getPod(h, 'env')).status?.phase === 'Running');
    const [c] = await h.runtime.listContainers();
    const env = Object.fromEntries((h.runtime.containerConfig(c.id).envs ?? []).map((e) => [e.key, e.value]));
    expect(env).toMatchObject({
      CFG_MODE: 'fast',
      GREETING: 'hi fast',
      POD_NAME: 'env',
      POD_IP: '198.18.10.2',
      NODE: NODE,
      TOKEN: 's3cret',
      REDIS_MAIN_SERVICE_HOST: '198.18.200.7',
      REDIS_MAIN_SERVICE_PORT: '6379',
      REDIS_MAIN_SERVICE_PORT_TCP: '6379',
      REDIS_MAIN_PORT: 'tcp://198.18.200.7:6379',
    });
  });

  it('expands $(VAR) in command and args from the container environment, as the kubelet does', async () => {
    const h = await start();
    await h.api.resource('Pod').create(
      pod('cmd', {
        containers: [
          {
            name: 'app',
            image: 'app:v1',
            command: ['/bin/serve', '--name=$(POD_NAME)'],
            args: ['--mode', '$(MODE)', '$$(MODE)', '$(UNSET)'],
            env: [
              { name: 'MODE', value: 'fast' },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            ],
          },
        ],
      }),
    );
    await until(h, async () => (await getPod(h, 'cmd')).status?.phase === 'Running');
    const [c] = await h.runtime.listContainers();
    const config = h.runtime.containerConfig(c.id);
    expect(config.command).toEqual(['/bin/serve', '--name=cmd']);
    expect(config.args).toEqual(['--mode', 'fast', '$(MODE)', '$(UNSET)']);
  });

  it('publishes per-pod CPU and memory usage', async () => {
    const h = await start({
      scripts: { 'app:v1': { usage: { cpuNanoCores: 250_000_000, memoryWorkingSetBytes: 64 << 20 } } },
    });
    await h.api.resource('Pod').create(pod('busy'));
    await until(h, async () => (await getPod(h, 'busy')).status?.phase === 'Running');
    await advance(h, 15_000, 500);
    expect(h.agent.podMetrics().get('default', 'busy')).toMatchObject({
      metadata: { namespace: 'default', name: 'busy' },
      window: '15s',
      containers: [{ name: 'app', usage: { cpu: '250000000n', memory: String(64 << 20) } }],
    });
  });
});
