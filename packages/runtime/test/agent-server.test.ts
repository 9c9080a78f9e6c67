import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { getPod, type Harness, pod, start, until } from './agent-harness.js';
import { type AgentEndpoint, execQuery, get, openChannel, runChannel, stream } from './kubelet-client.js';

const TOKEN = 'node-agent-test-token';

/** A self-signed client certificate (its own CA) with the clientAuth usage, for the trusted-certificate cases. */
async function clientCertificate(cn: string): Promise<{ cert: string; key: string }> {
  const crypto = webcrypto as unknown as NonNullable<
    Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1]
  >;
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: `CN=${cn}`,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 3600_000),
      keys,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      ],
    },
    crypto,
  );
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return { cert: cert.toString('pem'), key: `-----BEGIN PRIVATE KEY-----\n${der}\n-----END PRIVATE KEY-----\n` };
}

/** An agent on FakeRuntime serving its API on a free loopback port, with pod `web` running. */
async function serving(opts: { clientCA?: string } = {}): Promise<{ h: Harness; e: AgentEndpoint }> {
  const h = await start({
    scripts: { 'crash:v1': { runs: [{ runMs: 1000, exitCode: 1, logs: ['first run'] }, { logs: ['second run'] }] } },
    server: {
      port: 0,
      host: '127.0.0.1',
      auth: {
        tokens: [TOKEN],
        ...(opts.clientCA ? { clientCA: opts.clientCA, clientCommonNames: ['kube-apiserver-kubelet-client'] } : {}),
      },
    },
  });
  await until(h, async () => h.agent.serverPort > 0);
  const e = { port: h.agent.serverPort, ca: h.agent.servingCertificate ?? '', token: TOKEN };
  const command = ['sh', '-c', 'echo started; sleep 10; echo later; sleep 3600'];
  await h.api.resource('Pod').create(pod('web', { containers: [{ name: 'app', image: 'app:v1', command }] }));
  await until(h, async () => (await getPod(h, 'web')).status?.phase === 'Running');
  return { h, e };
}

describe('node agent API: authentication and names', () => {
  it('publishes its port in the Node and answers /healthz to the token only', async () => {
    const { h, e } = await serving();
    const node = await h.api.resource('Node').get('node-a');
    expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(e.port);
    expect(await get(e, '/healthz')).toEqual({ status: 200, body: 'ok' });
    expect((await get({ ...e, token: undefined }, '/healthz')).status).toBe(401);
    expect((await get({ ...e, token: 'wrong' }, '/pods')).status).toBe(401);
  });

  it('lets in a client certificate the trusted CA names, refuses other names (403) and untrusted ones (401)', async () => {
    const apiserver = await clientCertificate('kube-apiserver-kubelet-client');
    const { e } = await serving({ clientCA: apiserver.cert });
    const anonymous = { ...e, token: undefined };
    expect((await get({ ...anonymous, clientCert: apiserver }, '/healthz')).status).toBe(200);
    const stranger = await clientCertificate('someone-else');
    expect((await get({ ...anonymous, clientCert: stranger }, '/healthz')).status).toBe(401);
  });

  it.each([
    ['/containerLogs/default/..%2F..%2Fetc/passwd', 'pod'],
    ['/containerLogs/default/web/..', 'container'],
    ['/containerLogs/default/web/app%00', 'container'],
    ['/containerLogs/..%2Fkube-system/web/app', 'namespace'],
    ['/containerLogs/default/web/app/extra', 'path'],
  ])('refuses the path-traversal name in %s with 400 naming %s', async (path, field) => {
    const { e } = await serving();
    const res = await get(e, path);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ reason: 'BadRequest', details: { causes: [{ field }] } });
  });
});

describe('node agent API: pods, stats and metrics', () => {
  it('lists its pods and reports usage in /stats/summary and /metrics/resource with the kubelet names', async () => {
    const { h, e } = await serving();
    const [container] = await h.runtime.listContainers({ state: 'CONTAINER_RUNNING' });
    h.runtime.setUsage(container.id, { cpuNanoCores: 250_000_000, memoryWorkingSetBytes: 32 << 20 });
    const pods = JSON.parse((await get(e, '/pods')).body);
    expect(pods.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['web']);
    const summary = JSON.parse((await get(e, '/stats/summary')).body);
    expect(summary.node).toMatchObject({ nodeName: 'node-a', memory: { workingSetBytes: 32 << 20 } });
    expect(summary.pods[0]).toMatchObject({
      podRef: { namespace: 'default', name: 'web' },
      cpu: { usageNanoCores: 250_000_000 },
      containers: [{ name: 'app', memory: { workingSetBytes: 32 << 20 } }],
    });
    const metrics = (await get(e, '/metrics/resource')).body;
    for (const name of [
      'container_cpu_usage_seconds_total{container="app",namespace="default",pod="web"}',
      `container_memory_working_set_bytes{container="app",namespace="default",pod="web"} ${32 << 20}`,
      `node_memory_working_set_bytes ${32 << 20}`,
      'node_cpu_usage_seconds_total ',
      `pod_memory_working_set_bytes{namespace="default",pod="web"} ${32 << 20}`,
      'pod_cpu_usage_seconds_total{namespace="default",pod="web"}',
    ]) {
      expect(metrics).toContain(name);
    }
  });

  it('keeps a usage history per pod and node over the configured window', async () => {
    const { h, e } = await serving();
    const [container] = await h.runtime.listContainers({ state: 'CONTAINER_RUNNING' });
    h.runtime.setUsage(container.id, { cpuNanoCores: 1_000_000, memoryWorkingSetBytes: 1 << 20 });
    await until(h, async () => (h.agent.usageHistory().pods['default/web']?.length ?? 0) >= 2, 60_000);
    const history = JSON.parse((await get(e, '/stats/summary?history=true')).body).history;
    expect(history.pods['default/web'].at(-1)).toMatchObject({
      cpuNanoCores: 1_000_000,
      memoryWorkingSetBytes: 1 << 20,
    });
    expect(history.node.length).toBeGreaterThanOrEqual(2);
  });
});

describe('node agent API: logs', () => {
  it('serves a container log with tailLines, timestamps and limitBytes', async () => {
    const { e } = await serving();
    expect((await get(e, '/containerLogs/default/web/app')).body).toBe('started\n');
    const stamped = (await get(e, '/containerLogs/default/web/app?timestamps=true')).body;
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z started\n$/);
    expect((await get(e, '/containerLogs/default/web/app?limitBytes=4')).body).toBe('star');
    expect((await get(e, '/containerLogs/default/web/app?tailLines=0')).body).toBe('');
    expect((await get(e, '/containerLogs/default/web/nope')).status).toBe(404);
    expect((await get(e, '/containerLogs/default/web/app?tailLines=-1')).status).toBe(400);
  });

  it('follows a log: a line written after the request started arrives', async () => {
    const { h, e } = await serving();
    let text = '';
    const following = stream(e, '/containerLogs/default/web/app?follow=true', (t) => {
      text += t;
    });
    await until(h, async () => text === 'started\n');
    await until(h, async () => text === 'started\nlater\n', 20_000);
    following.close();
    await following.done;
  });

  it('serves the previous run after a restart', async () => {
    const { h, e } = await serving();
    await h.api.resource('Pod').create(pod('crash', { containers: [{ name: 'app', image: 'crash:v1' }] }));
    await until(h, async () => (await getPod(h, 'crash')).status?.containerStatuses?.[0]?.restartCount === 1, 60_000);
    expect((await get(e, '/containerLogs/default/crash/app?previous=true')).body).toBe('first run\n');
    expect((await get(e, '/containerLogs/default/crash/app')).body).toBe('second run\n');
  });
});

describe('node agent API: exec over WebSocket', () => {
  it.each([
    'v5.channel.k8s.io',
    'v4.channel.k8s.io',
  ])('runs sh -c "echo $HOSTNAME; exit 3" (%s): output, then NonZeroExitCode 3', async (protocol) => {
    const { e } = await serving();
    const ws = openChannel(
      e,
      `/exec/default/web/app?${execQuery(['sh', '-c', 'echo $HOSTNAME; exit 3'], { output: '1', error: '1' })}`,
      protocol,
    );
    const result = await runChannel(ws);
    expect(result.stdout).toBe('web\n');
    expect(result.status).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
    expect(result.closeCode).toBe(1000);
  });

  it('passes stdin to the command and ends it with the v5 close signal', async () => {
    const { e } = await serving();
    const ws = openChannel(e, `/exec/default/web/app?${execQuery(['cat'], { input: '1', output: '1' })}`);
    const result = await runChannel(ws, ['hello\n', 'world\n']);
    expect(result.stdout).toBe('hello\nworld\n');
    expect(result.status).toEqual({ metadata: {}, status: 'Success' });
  });

  it('answers an exec in a missing container with a Failure status', async () => {
    const { e } = await serving();
    const result = await runChannel(openChannel(e, `/exec/default/web/nope?${execQuery(['true'])}`));
    expect(result.status).toMatchObject({ status: 'Failure', reason: 'NotFound' });
  });

  it('kills the process of a client that disconnects mid-exec', async () => {
    const { h, e } = await serving();
    const ws = openChannel(e, `/exec/default/web/app?${execQuery(['sleep', '300'])}`);
    await new Promise((resolve) => ws.once('open', resolve));
    await until(h, async () => h.runtime.openSessions === 1);
    ws.terminate();
    await until(h, async () => h.runtime.openSessions === 0);
  });

  it('holds a flooding process to bounded buffers: never more than a few MiB ahead of the client', async () => {
    const { h, e } = await serving();
    const [container] = await h.runtime.listContainers({ state: 'CONTAINER_RUNNING' });
    const total = 64 << 20;
    const chunk = Buffer.alloc(64 << 10, 'x');
    let written = 0;
    let received = 0;
    let maxAhead = 0;
    h.runtime.onExec(container.id, ['flood'], async (io) => {
      while (written < total) {
        const more = io.stdout.write(chunk);
        written += chunk.length;
        maxAhead = Math.max(maxAhead, written - received);
        if (!more) await new Promise((resolve) => io.stdout.once('drain', resolve));
      }
      return 0;
    });
    const ws = openChannel(e, `/exec/default/web/app?${execQuery(['flood'])}`);
    const result = await runChannel(ws, [], (bytes) => {
      received += bytes;
    });
    expect(result.status).toEqual({ metadata: {}, status: 'Success' });
    expect(received).toBe(total);
    expect(maxAhead).toBeLessThan(8 << 20);
  });
});

describe('node agent API: attach and port-forward over WebSocket', () => {
  it('attaches to the main process: a line it writes later arrives on stdout', async () => {
    const { h, e } = await serving();
    let stdout = '';
    const ws = openChannel(e, '/attach/default/web/app?output=1&error=1');
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1) stdout += data.subarray(1).toString('utf8');
    });
    await new Promise((resolve) => ws.once('open', resolve));
    await until(h, async () => stdout === 'later\n', 20_000);
    ws.terminate();
  });

  it('forwards a port: the first frame of each channel is the port, then the HTTP answer on the data channel', async () => {
    const { h, e } = await serving();
    await h.api
      .resource('Pod')
      .create(pod('srv', { containers: [{ name: 'web', image: 'web:v1', ports: [{ containerPort: 8080 }] }] }));
    await until(h, async () => (await getPod(h, 'srv')).status?.phase === 'Running');
    const ws = new WebSocket(`wss://localhost:${e.port}/portForward/default/srv?port=8080`, ['v4.channel.k8s.io'], {
      ca: e.ca,
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const frames: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () =>
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET / HTTP/1.1\r\nHost: srv\r\n\r\n')])),
      );
      ws.on('message', (data: Buffer) => frames.push(Buffer.from(data)));
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    const port = Buffer.from([0x90, 0x1f]);
    expect(frames.slice(0, 2)).toEqual([
      Buffer.concat([Buffer.from([0]), port]),
      Buffer.concat([Buffer.from([1]), port]),
    ]);
    const answer = Buffer.concat(
      frames
        .slice(2)
        .filter((f) => f[0] === 0)
        .map((f) => f.subarray(1)),
    ).toString();
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });
});
