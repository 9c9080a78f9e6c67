import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { send } from '../server/served-api.js';
import { boundPod, NODE, type NodeAgentCluster, startCluster } from './node-agent-cluster.js';

let cluster: NodeAgentCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** A cluster with pod `web` running `echo started; sleep 10; echo later; sleep 3600`, and `crash` that restarts once. */
async function withPods(): Promise<NodeAgentCluster> {
  cluster = await startCluster({
    'crash:v1': { runs: [{ runMs: 1000, exitCode: 1, logs: ['first run'] }, { logs: ['second run'] }] },
    'httpd:v1': { listen: { 80: 200 } },
  });
  const c = cluster;
  const command = ['sh', '-c', 'echo started; sleep 10; echo later; sleep 3600'];
  await c.api.resource('Pod').create(boundPod('web', [{ name: 'app', image: 'app:v1', command }]));
  await c.until(async () => (await c.api.resource('Pod').get('default', 'web')).status?.phase === 'Running');
  return c;
}

describe('kubectl logs, exec through the apiserver to a NodeAgent on FakeRuntime', () => {
  it('kubectl logs prints the container log', async () => {
    const c = await withPods();
    expect(await c.kubectl(['logs', 'web'])).toMatchObject({ code: 0, stdout: 'started\n' });
    expect(await c.kubectl(['logs', 'web', '-c', 'app', '--tail=0'])).toMatchObject({ code: 0, stdout: '' });
  });

  it('kubectl logs -f prints a line written after it started, and runs until stopped', async () => {
    const c = await withPods();
    const following = c.spawnKubectl(['logs', '-f', 'web']);
    await c.until(() => following.output().stdout === 'started\n');
    await c.until(() => following.output().stdout === 'started\nlater\n');
    following.kill();
    await following.done;
  });

  it('kubectl logs --previous prints the run before the restart', async () => {
    const c = await withPods();
    await c.api.resource('Pod').create(boundPod('crash', [{ name: 'app', image: 'crash:v1' }]));
    await c.until(
      async () =>
        (await c.api.resource('Pod').get('default', 'crash')).status?.containerStatuses?.[0]?.restartCount === 1,
      60_000,
    );
    expect(await c.kubectl(['logs', 'crash', '--previous'])).toMatchObject({ code: 0, stdout: 'first run\n' });
    expect(await c.kubectl(['logs', 'crash'])).toMatchObject({ code: 0, stdout: 'second run\n' });
  });

  it("kubectl exec -- sh -c 'echo hi; exit 3' prints hi and exits 3", async () => {
    const c = await withPods();
    const run = await c.kubectl(['exec', 'web', '--', 'sh', '-c', 'echo hi; exit 3']);
    expect(run.stdout).toBe('hi\n');
    expect(run.code).toBe(3);
  });

  it('kubectl exec -i passes stdin to the command', async () => {
    const c = await withPods();
    expect(await c.kubectl(['exec', '-i', 'web', '--', 'cat'], 'hello\nworld\n')).toMatchObject({
      code: 0,
      stdout: 'hello\nworld\n',
    });
  });

  it('a kubectl exec killed mid-command closes the session on the agent', async () => {
    const c = await withPods();
    const exec = c.spawnKubectl(['exec', 'web', '--', 'sleep', '300']);
    await c.until(() => c.runtime.openSessions === 1);
    exec.kill('SIGKILL');
    await exec.done;
    await c.until(() => c.runtime.openSessions === 0);
  });

  it('kubectl get --raw through nodes/<name>/proxy reaches the agent', async () => {
    const c = await withPods();
    expect(await c.kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/healthz`])).toMatchObject({
      code: 0,
      stdout: 'ok',
    });
    const summary = await c.kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/stats/summary`]);
    expect(JSON.parse(summary.stdout).node.nodeName).toBe(NODE);
  });
});

describe('node proxy refusals, as Kubernetes Status', () => {
  it.each([
    ['a container the pod does not have', '/pods/web/log?container=nope', 400, 'is not valid for pod web'],
    ['a path-traversal container name', '/pods/web/log?container=..%2F..%2Fetc%2Fpasswd', 400, 'is not valid'],
    ['a pod that does not exist', '/pods/ghost/log', 404, 'pods "ghost" not found'],
    ['a negative tailLines', '/pods/web/log?tailLines=-1', 422, 'tailLines'],
    ['exec without an upgrade', '/pods/web/exec?command=true', 400, 'Upgrade request required'],
  ])('%s', async (_what, path, code, message) => {
    const c = await withPods();
    const answer = await send(c.url, 'GET', `/api/v1/namespaces/default${path}`);
    expect(answer.status).toBe(code);
    expect(answer.json).toMatchObject({ kind: 'Status', code });
    expect(answer.json.message).toContain(message);
  });

  it('a pod not yet scheduled, a node without an endpoint, and an agent that is down', async () => {
    const c = await withPods();
    const pods = c.api.resource('Pod');
    await pods.create({
      ...boundPod('pending', [{ name: 'app', image: 'app:v1' }]),
      spec: { containers: [{ name: 'app', image: 'app:v1' }] },
    });
    const pending = await send(c.url, 'GET', '/api/v1/namespaces/default/pods/pending/log');
    expect(pending).toMatchObject({ status: 400 });
    expect(pending.json.message).toContain('not scheduled');

    await c.api.resource('Node').create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'bare' } });
    await pods.create({
      ...boundPod('stranded', [{ name: 'app', image: 'app:v1' }]),
      spec: { nodeName: 'bare', containers: [{ name: 'app', image: 'app:v1' }] },
    });
    const bare = await send(c.url, 'GET', '/api/v1/namespaces/default/pods/stranded/log');
    expect(bare.status).toBe(503);
    expect(bare.json).toMatchObject({ reason: 'ServiceUnavailable' });
    expect(bare.json.message).toContain('start its node agent');

    await c.api.resource('Node').create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'gone' },
      status: {
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 1 } },
      },
    });
    await pods.create({
      ...boundPod('orphan', [{ name: 'app', image: 'app:v1' }]),
      spec: { nodeName: 'gone', containers: [{ name: 'app', image: 'app:v1' }] },
    });
    const down = await send(c.url, 'GET', '/api/v1/namespaces/default/pods/orphan/log');
    expect(down.status).toBe(502);
    expect(down.json.message).toContain('unreachable');
    const exec = await c.kubectl(['exec', 'orphan', '--', 'true']);
    expect(exec.code).not.toBe(0);
  });

  it('discovery lists the node-served subresources', async () => {
    const c = await withPods();
    const names = (await send(c.url, 'GET', '/api/v1')).json.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual(
      expect.arrayContaining(['pods/log', 'pods/exec', 'pods/attach', 'pods/portforward', 'nodes/proxy']),
    );
  });

  it('pods/portforward over a WebSocket (portforward.k8s.io): an HTTP request reaches the pod’s port', async () => {
    const c = await withPods();
    await c.api.resource('Pod').create(boundPod('httpd', [{ name: 'app', image: 'httpd:v1' }]));
    await c.until(async () => (await c.api.resource('Pod').get('default', 'httpd')).status?.phase === 'Running');
    const ws = new WebSocket(
      `${c.url.replace('http', 'ws')}/api/v1/namespaces/default/pods/httpd/portforward?port=80`,
      ['portforward.k8s.io'],
    );
    const received: Buffer[] = [];
    let prefixSeen = false;
    ws.on('message', (data: Buffer) => {
      if (data[0] !== 0) return;
      // The first frame on each channel carries the port (little-endian uint16), as the kubelet sends it.
      if (!prefixSeen) {
        prefixSeen = true;
        expect(data.readUInt16LE(1)).toBe(80);
        return;
      }
      received.push(data.subarray(1));
    });
    await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.protocol).toBe('portforward.k8s.io');
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET / HTTP/1.1\r\nHost: httpd\r\n\r\n')]));
    await c.until(() => Buffer.concat(received).toString('utf8').startsWith('HTTP/1.1 200'));
    ws.close();
  });

  it('kubectl port-forward, then an HTTP request through it reaches the pod’s port', async () => {
    const c = await withPods();
    await c.api.resource('Pod').create(boundPod('httpd', [{ name: 'app', image: 'httpd:v1' }]));
    await c.until(async () => (await c.api.resource('Pod').get('default', 'httpd')).status?.phase === 'Running');
    const forward = c.spawnKubectl(['port-forward', 'pod/httpd', ':80', '--address', '127.0.0.1']);
    await c.until(() => /Forwarding from 127\.0\.0\.1:\d+ -> 80/.test(forward.output().stdout));
    const local = /127\.0\.0\.1:(\d+)/.exec(forward.output().stdout)?.[1];
    let answer: { status: number; text: string } | undefined;
    void fetch(`http://127.0.0.1:${local}/`).then(async (res) => {
      answer = { status: res.status, text: await res.text() };
    });
    await c.until(() => answer !== undefined);
    expect(answer).toEqual({ status: 200, text: expect.stringMatching(/^fake listener 198\.18\.10\.\d+:80\n$/) });
    forward.kill();
    await forward.done;
  });

  it('a followed log holds no in-flight slot: with room for one read, other reads are still served', async () => {
    cluster = await startCluster({}, { limits: { maxReadOnlyInFlight: 1 } });
    const c = cluster;
    const command = ['sh', '-c', 'echo started; sleep 3600'];
    await c.api.resource('Pod').create(boundPod('web', [{ name: 'app', image: 'app:v1', command }]));
    await c.until(async () => (await c.api.resource('Pod').get('default', 'web')).status?.phase === 'Running');
    let text = '';
    const follow = request(`${c.url}/api/v1/namespaces/default/pods/web/log?follow=true`, (res) =>
      res.setEncoding('utf8').on('data', (t: string) => {
        text += t;
      }),
    );
    follow.on('error', () => {});
    follow.end();
    await c.until(() => text === 'started\n');
    expect((await send(c.url, 'GET', '/api/v1/namespaces/default/pods')).status).toBe(200);
    follow.destroy();
  });
});
