import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DispatchServer, startDispatchServer } from './dispatch-server.js';

let server: DispatchServer;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

beforeEach(async () => {
  server = await startDispatchServer();
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  for (const worker of [
    { name: 'gpu-1', cpu: '8', memory: '32Gi', labels: { accelerator: 'gpu', zone: 'a' } },
    { name: 'small-1', cpu: '2', memory: '4Gi', labels: { zone: 'a' } },
    { name: 'small-2', cpu: '2', memory: '4Gi', labels: { zone: 'b' } },
  ]) {
    expect((await call('POST', '/workers', worker)).status).toBe(201);
  }
});

afterEach(() => server.close());

describe('the job-dispatch service on the embedded scheduler', () => {
  it('places a job only where it fits by resources', async () => {
    const res = await call('POST', '/jobs', { name: 'big', cpu: '6', memory: '8Gi' });
    expect(res).toEqual({ status: 201, body: { job: 'big', placed: true, worker: 'gpu-1' } });
  });

  it('counts placed jobs: the second job no longer fits where the first went', async () => {
    await call('POST', '/jobs', { name: 'first', cpu: '2', memory: '1Gi', requireWorkerLabels: { zone: 'b' } });
    const second = await call('POST', '/jobs', {
      name: 'second',
      cpu: '1',
      memory: '1Gi',
      requireWorkerLabels: { zone: 'b' },
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ placed: false, reasons: expect.arrayContaining(['Insufficient cpu']) });
    await call('DELETE', '/jobs/first');
    const retried = await call('POST', '/jobs', {
      name: 'second',
      cpu: '1',
      memory: '1Gi',
      requireWorkerLabels: { zone: 'b' },
    });
    expect(retried.body).toEqual({ job: 'second', placed: true, worker: 'small-2' });
  });

  it.each([
    { rule: 'required worker labels', job: { requireWorkerLabels: { accelerator: 'gpu' } }, worker: 'gpu-1' },
    { rule: 'required zone', job: { requireWorkerLabels: { zone: 'b' } }, worker: 'small-2' },
    { rule: 'preferred worker labels', job: { preferWorkerLabels: { zone: 'b' } }, worker: 'small-2' },
  ])('honours $rule', async ({ job, worker }) => {
    const res = await call('POST', '/jobs', { name: 'j', cpu: '500m', memory: '256Mi', ...job });
    expect(res.body).toEqual({ job: 'j', placed: true, worker });
  });

  it('keeps jobs apart on request (pod anti-affinity by hostname)', async () => {
    const replicas = ['r-1', 'r-2', 'r-3'].map((name) => ({
      name,
      cpu: '100m',
      memory: '64Mi',
      labels: { app: 'replica' },
      apartFrom: { app: 'replica' },
    }));
    const workers = [];
    for (const job of replicas) workers.push(((await call('POST', '/jobs', job)).body as { worker: string }).worker);
    expect(new Set(workers).size).toBe(3);
    const fourth = await call('POST', '/jobs', { ...replicas[0], name: 'r-4' });
    expect(fourth.status).toBe(409);
    expect((fourth.body as { message: string }).message).toContain("didn't match pod anti-affinity rules");
  });

  it('reports an unschedulable job with every reason and keeps nothing of it', async () => {
    const res = await call('POST', '/jobs', {
      name: 'nowhere',
      cpu: '3',
      memory: '1Gi',
      requireWorkerLabels: { zone: 'b' },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      job: 'nowhere',
      placed: false,
      reasons: expect.arrayContaining(['Insufficient cpu', "node(s) didn't match Pod's node affinity/selector"]),
    });
    expect((res.body as { message: string }).message).toMatch(/^0\/3 nodes are available/);
    expect((await call('GET', '/jobs')).body).toEqual([]);
  });

  it('forgets the jobs of a removed worker and says which they were', async () => {
    await call('POST', '/jobs', {
      name: 'gpu-job',
      cpu: '1',
      memory: '1Gi',
      requireWorkerLabels: { accelerator: 'gpu' },
    });
    expect(await call('DELETE', '/workers/gpu-1')).toEqual({ status: 200, body: { lostJobs: ['gpu-job'] } });
    expect((await call('GET', '/jobs')).body).toEqual([]);
  });

  it('decides concurrent submissions one at a time, so room is never given twice', async () => {
    const jobs = Array.from({ length: 6 }, (_, i) => ({
      name: `c-${i}`,
      cpu: '2',
      memory: '1Gi',
      requireWorkerLabels: { zone: 'a' },
    }));
    const results = await Promise.all(jobs.map((j) => call('POST', '/jobs', j)));
    // zone a has 8 + 2 cores: five 2-core jobs fit, the sixth does not.
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 409)).toHaveLength(1);
  });

  it.each([
    { what: 'a malformed body', body: '{"name":', status: 400, reason: 'BadRequest' },
    { what: 'a bad name', body: { name: 'Bad Name;rm', cpu: '1', memory: '1Gi' }, status: 422, field: 'name' },
    { what: 'a bad quantity', body: { name: 'q', cpu: 'lots', memory: '1Gi' }, status: 422, field: 'cpu' },
    { what: 'a missing memory', body: { name: 'q', cpu: '1' }, status: 422, field: 'memory' },
    {
      what: 'bad labels',
      body: { name: 'q', cpu: '1', memory: '1Gi', labels: { 'a b': 'c' } },
      status: 422,
      field: 'labels',
    },
  ])('refuses $what, naming the field', async ({ body, status, reason, field }) => {
    const res = await call('POST', '/jobs', body);
    expect(res.status).toBe(status);
    if (reason) expect(res.body).toMatchObject({ reason });
    if (field)
      expect(res.body).toMatchObject({
        reason: 'Invalid',
        fields: [expect.objectContaining({ field: expect.stringMatching(new RegExp(`^${field}`)) })],
      });
  });

  it('refuses a second job of the same name and an unknown route', async () => {
    await call('POST', '/jobs', { name: 'once', cpu: '1', memory: '1Gi' });
    expect((await call('POST', '/jobs', { name: 'once', cpu: '1', memory: '1Gi' })).status).toBe(409);
    expect((await call('GET', '/nowhere')).status).toBe(404);
    expect((await call('DELETE', '/jobs/never')).status).toBe(404);
  });
});
