import { FakeClock } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { describeRuntimeConformance, fakeRuntimeFixture } from '../src/conformance/index.js';
import { FakeRuntime, IpAllocator } from '../src/index.js';

describeRuntimeConformance('FakeRuntime', async () => fakeRuntimeFixture(), { pushesEvents: true });

describe('FakeRuntime scripting', () => {
  it('plays a crash loop and then a healthy run, attempt by attempt', async () => {
    const clock = new FakeClock();
    const runtime = new FakeRuntime({ clock, images: ['app:v1'] });
    runtime.script('app:v1', { runs: [{ runMs: 1000, exitCode: 1 }, { runMs: 1000, exitCode: 2 }, {}] });
    const sandbox = await runtime.runPodSandbox({ metadata: { name: 'p', uid: 'u', namespace: 'n', attempt: 0 } });
    const outcomes: string[] = [];
    for (const attempt of [0, 1, 2]) {
      const id = await runtime.createContainer(sandbox, {
        metadata: { name: 'c', attempt },
        image: { image: 'app:v1' },
      });
      await runtime.startContainer(id);
      await clock.step(1000);
      const s = await runtime.containerStatus(id);
      outcomes.push(`${s.state}:${s.exitCode}`);
    }
    expect(outcomes).toEqual(['CONTAINER_EXITED:1', 'CONTAINER_EXITED:2', 'CONTAINER_RUNNING:0']);
  });

  it('answers probes only on listening ports of running containers of the addressed pod', async () => {
    const clock = new FakeClock();
    const runtime = new FakeRuntime({ clock, podCIDR: '198.18.5.0/24', images: ['web:v1'] });
    runtime.script('web:v1', { listen: { 8080: 200 } });
    const sandbox = await runtime.runPodSandbox({ metadata: { name: 'p', uid: 'u', namespace: 'n', attempt: 0 } });
    const ip = (await runtime.podSandboxStatus(sandbox)).network.ip;
    const id = await runtime.createContainer(sandbox, {
      metadata: { name: 'c', attempt: 0 },
      image: { image: 'web:v1' },
    });
    const http = (port: number) =>
      runtime.network.httpGet({ host: ip, port, path: '/', scheme: 'HTTP', headers: [], timeoutMs: 1000 });
    expect((await http(8080)).success).toBe(false);
    await runtime.startContainer(id);
    expect(await http(8080)).toEqual({ success: true });
    expect((await http(9090)).success).toBe(false);
    runtime.setListening(id, 8080, 503);
    expect(await http(8080)).toMatchObject({ success: false, message: expect.stringContaining('503') });
    expect((await runtime.network.tcpSocket({ host: '198.18.5.99', port: 8080, timeoutMs: 1000 })).success).toBe(false);
  });
});

describe('FakeRuntime call record', () => {
  it.each([
    { recordCalls: undefined, ops: ['runPodSandbox', 'createContainer', 'startContainer'] },
    { recordCalls: true, ops: ['runPodSandbox', 'createContainer', 'startContainer'] },
    { recordCalls: false, ops: [] },
  ])('with recordCalls $recordCalls keeps $ops, and runs the pod either way', async ({ recordCalls, ops }) => {
    const runtime = new FakeRuntime({ clock: new FakeClock(), images: ['app:v1'], recordCalls });
    const sandbox = await runtime.runPodSandbox({ metadata: { name: 'p', uid: 'u', namespace: 'n', attempt: 0 } });
    const id = await runtime.createContainer(sandbox, {
      metadata: { name: 'c', attempt: 0 },
      image: { image: 'app:v1' },
    });
    await runtime.startContainer(id);
    expect((await runtime.containerStatus(id)).state).toBe('CONTAINER_RUNNING');
    expect(runtime.calls.map((c) => c.op)).toEqual(ops);
  });
});

describe('IpAllocator', () => {
  it.each([
    { cidr: '198.18.0.0/24', first: '198.18.0.2', count: 253 },
    { cidr: '198.18.7.9/30', first: '198.18.7.10', count: 1 },
  ])('hands out $count addresses of $cidr, starting at $first', ({ cidr, first, count }) => {
    const ips = new IpAllocator(cidr);
    const got = Array.from({ length: count }, () => ips.allocate());
    expect(got[0]).toBe(first);
    expect(new Set(got).size).toBe(count);
    expect(() => ips.allocate()).toThrow(/no free pod IP/);
    ips.release(first);
    expect(ips.allocate()).toBe(first);
  });

  it.each(['198.18.0.0', '198.18.0.0/31', '300.1.1.1/24', 'x; rm -rf /'])('rejects %s', (cidr) => {
    expect(() => new IpAllocator(cidr)).toThrow(/not an IPv4 CIDR/);
  });
});
