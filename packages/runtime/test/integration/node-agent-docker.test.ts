import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, MemoryStore, type Pod, RealClock } from '@flotilla/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE } from '../../../../scripts/docker.js';
import { LogFrameDecoder, NodeAgent } from '../../src/index.js';
import { startDocker } from './docker-fixture.js';

const NODE = 'docker-node';
const clock = new RealClock();
let api: Api;
let stopAll: () => Promise<void>;
let docker: Awaited<ReturnType<typeof startDocker>>['docker'];

const getPod = (name: string) => api.resource('Pod').get('default', name);

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`);
    await clock.sleep(200);
  }
}

beforeAll(async () => {
  const started = await startDocker();
  docker = started.docker;
  api = new Api({ store: new MemoryStore(), clock });
  // A short resync so ConfigMap and downwardAPI refreshes show within the test (the default is 60 s).
  const agent = new NodeAgent({
    api,
    runtime: started.runtime,
    clock,
    nodeName: NODE,
    hostIP: '127.0.0.1',
    podResyncIntervalMs: 2000,
  });
  const ac = new AbortController();
  const running = agent.run(ac.signal);
  stopAll = async () => {
    ac.abort();
    await running;
    await started.daemon.stop();
  };
});

afterAll(async () => {
  await stopAll?.();
});

/** Label filters for this test's pod on this test's node: other processes may run pods on the same dockerd. */
const ours = (pod: string) => [`flotilla.io/node-name=${NODE}`, `io.kubernetes.pod.name=${pod}`];

const shell = (script: string) => ({
  image: BUSYBOX_IMAGE,
  imagePullPolicy: 'IfNotPresent' as const,
  command: ['sh', '-c', script],
});

describe('NodeAgent on DockerRuntime', () => {
  it('runs a pod with an init container, two containers sharing an emptyDir and localhost, probes, restarts and graceful deletion', async () => {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'e2e', namespace: 'default' },
      spec: {
        nodeName: NODE,
        terminationGracePeriodSeconds: 3,
        volumes: [{ name: 'shared', emptyDir: {} }],
        initContainers: [
          {
            name: 'prepare',
            ...shell('echo init-done > /data/init'),
            volumeMounts: [{ name: 'shared', mountPath: '/data' }],
          },
        ],
        containers: [
          {
            name: 'web',
            ...shell('mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www'),
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: { httpGet: { port: 'http', path: '/index.html' }, periodSeconds: 1 },
            volumeMounts: [{ name: 'shared', mountPath: '/data' }],
          },
          {
            name: 'client',
            ...shell(
              'trap "exit 0" TERM; while true; do wget -qO /data/fetched http://127.0.0.1:8080/index.html; sleep 1; done & wait',
            ),
            volumeMounts: [{ name: 'shared', mountPath: '/data' }],
            livenessProbe: {
              exec: { command: ['sh', '-c', 'test ! -e /data/unhealthy'] },
              periodSeconds: 1,
              failureThreshold: 2,
            },
          },
        ],
      },
    };
    await api.resource('Pod').create(pod);
    await until(
      async () => (await getPod('e2e')).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
    );
    const running = await getPod('e2e');
    expect(running.status?.phase).toBe('Running');
    expect(running.status?.podIP).toMatch(/^198\.19\.251\./);
    expect(running.status?.initContainerStatuses?.[0].state?.terminated?.exitCode).toBe(0);

    const [client] = await docker.listContainers({
      filters: { label: ['io.kubernetes.container.name=client', ...ours('e2e')] },
    });
    const exec = async (cmd: string[]) => {
      const e = await docker.getContainer(client.Id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
      const stream = await e.start({ hijack: true, stdin: false });
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve) => {
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', resolve);
      });
      return Buffer.concat(chunks).toString('utf8');
    };
    await until(async () => (await exec(['cat', '/data/fetched', '/data/init'])).includes('hello'));
    expect(await exec(['cat', '/data/init'])).toContain('init-done');

    // Liveness: make the client unhealthy; the agent restarts it.
    await exec(['touch', '/data/unhealthy']);
    await until(
      async () => (await getPod('e2e')).status?.containerStatuses?.find((c) => c.name === 'client')?.restartCount === 1,
      90_000,
    );
    await exec(['rm', '-f', '/data/unhealthy']).catch(() => '');

    // docker kill behind the agent's back: the web container comes back.
    const [web] = await docker.listContainers({
      filters: { label: ['io.kubernetes.container.name=web', ...ours('e2e')] },
    });
    await new Promise<void>((resolve, reject) => {
      const p = spawn('docker', ['-H', 'unix:///var/run/docker.sock', 'kill', web.Id], { stdio: 'ignore' });
      p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker kill exited ${code}`))));
      p.once('error', () =>
        docker
          .getContainer(web.Id)
          .kill()
          .then(() => resolve(), reject),
      );
    });
    await until(
      async () => (await getPod('e2e')).status?.containerStatuses?.find((c) => c.name === 'web')?.restartCount === 1,
      60_000,
    );

    // Graceful deletion: the pod goes once every container and the sandbox are gone.
    await api.resource('Pod').delete('default', 'e2e');
    await until(async () => !(await getPod('e2e').catch(() => undefined)), 60_000);
    const left = await docker.listContainers({ all: true, filters: { label: [`flotilla.io/node-name=${NODE}`] } });
    expect(left).toEqual([]);
  });

  it('runs postStart hooks, mounts downwardAPI and ConfigMap files that follow their sources, and records Events', async () => {
    await api.resource('ConfigMap').create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'site', namespace: 'default' },
      data: { greeting: 'hello' },
    });
    await api.resource('Pod').create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'files', namespace: 'default', labels: { tier: 'front' } },
      spec: {
        nodeName: NODE,
        terminationGracePeriodSeconds: 2,
        volumes: [
          { name: 'site', configMap: { name: 'site' } },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        ],
        containers: [
          {
            name: 'app',
            ...shell('trap "exit 0" TERM; sleep 2147483647 & wait'),
            lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo started > /tmp/hook'] } } },
            volumeMounts: [
              { name: 'site', mountPath: '/etc/site' },
              { name: 'info', mountPath: '/etc/podinfo' },
            ],
          },
        ],
      },
    });
    await until(async () => (await getPod('files')).status?.phase === 'Running');
    const [app] = await docker.listContainers({
      filters: { label: ['io.kubernetes.container.name=app', ...ours('files')] },
    });
    const cat = async (path: string) => {
      const e = await docker.getContainer(app.Id).exec({ Cmd: ['cat', path], AttachStdout: true });
      const stream = await e.start({ hijack: true, stdin: false });
      const decoder = new LogFrameDecoder();
      const lines: string[] = [];
      await new Promise<void>((resolve) => {
        stream.on('data', (c: Buffer) => lines.push(...decoder.push(c).map((l) => l.text)));
        stream.on('end', resolve);
      });
      lines.push(...decoder.end().map((l) => l.text));
      return lines.join('\n').trim();
    };
    expect(await cat('/tmp/hook')).toBe('started');
    expect(await cat('/etc/site/greeting')).toBe('hello');
    expect(await cat('/etc/podinfo/labels')).toBe('tier="front"');

    await api.resource('ConfigMap').patch('default', 'site', { data: { greeting: 'bonjour' } });
    await api.resource('Pod').patch('default', 'files', { metadata: { labels: { tier: 'back' } } });
    await until(async () => (await cat('/etc/site/greeting')) === 'bonjour', 30_000);
    await until(async () => (await cat('/etc/podinfo/labels')) === 'tier="back"', 30_000);

    const { items } = await api.resource('Event').list({ namespace: 'default' });
    const reasons = items.filter((e) => e.involvedObject.name === 'files').map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Pulled', 'Created', 'Started']));
    await api.resource('Pod').delete('default', 'files');
    await until(async () => !(await getPod('files').catch(() => undefined)), 60_000);
  });

  it('fails a locally built image under imagePullPolicy Always with ErrImagePull that says to use IfNotPresent', async () => {
    await api.resource('Pod').create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'always', namespace: 'default' },
      spec: {
        nodeName: NODE,
        containers: [{ name: 'app', image: BUSYBOX_IMAGE, imagePullPolicy: 'Always', command: ['sleep', '60'] }],
      },
    });
    const waiting = async () => (await getPod('always')).status?.containerStatuses?.[0].state?.waiting;
    await until(async () => (await waiting())?.reason === 'ErrImagePull', 90_000);
    expect((await waiting())?.message).toContain('set imagePullPolicy: IfNotPresent');
    expect((await getPod('always')).status?.phase).toBe('Pending');
    await api.resource('Pod').delete('default', 'always', { gracePeriodSeconds: 0 });
  });

  it('mounts a claim bound to a hostPath PersistentVolume into the container', async () => {
    const pvDir = await mkdtemp(join(tmpdir(), 'flotilla-pv-'));
    try {
      await api.resource('PersistentVolume').create({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'e2e-pv' },
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: pvDir } },
      });
      const claim = await api.resource('PersistentVolumeClaim').create({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'e2e-claim', namespace: 'default' },
        spec: { accessModes: ['ReadWriteOnce'], volumeName: 'e2e-pv', resources: { requests: { storage: '1Gi' } } },
      });
      await api.resource('PersistentVolumeClaim').updateStatus({ ...claim, status: { phase: 'Bound' } });
      await api.resource('Pod').create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'claimant', namespace: 'default' },
        spec: {
          nodeName: NODE,
          restartPolicy: 'Never',
          volumes: [{ name: 'store', persistentVolumeClaim: { claimName: 'e2e-claim' } }],
          containers: [
            {
              name: 'writer',
              ...shell('echo kept > /store/out'),
              volumeMounts: [{ name: 'store', mountPath: '/store' }],
            },
          ],
        },
      });
      await until(async () => (await getPod('claimant')).status?.phase === 'Succeeded');
      expect(await readFile(join(pvDir, 'out'), 'utf8')).toBe('kept\n');
      await api.resource('Pod').delete('default', 'claimant');
      await until(async () => !(await getPod('claimant').catch(() => undefined)), 60_000);
      expect(await readFile(join(pvDir, 'out'), 'utf8')).toBe('kept\n');
    } finally {
      await rm(pvDir, { recursive: true, force: true });
    }
  });
});
