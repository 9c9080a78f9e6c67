import {
  Api,
  type ConfigMap,
  ExpiredError,
  FakeClock,
  Informer,
  type InformerEvent,
  isReason,
  jitteredBackoff,
  MemoryStore,
  NotFoundError,
  RemoteApi,
  TimeoutError,
  TooManyRequestsError,
  UnknownOutcomeError,
  type WatchEvent,
} from '@flotilla/core';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiServer } from '../../src/index.js';
import { driveClock, faultProxy } from './fault-proxy.js';
import { servedRemote } from './remote-fixture.js';

const configMap = (name: string): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { v: name },
});

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Quick reconnects on the wall clock, so a restart is bridged in well under a second. */
const quickBackoff = () => jitteredBackoff({ initialMs: 20, maxMs: 200 });

describe('watch over HTTP', () => {
  it('rotates at timeoutSeconds and resumes from the last revision: every event once, in order', async () => {
    const serverClock = new FakeClock();
    const s = await servedRemote({ clock: serverClock });
    cleanups.push(() => s.close());
    const proxy = await faultProxy(s.url);
    cleanups.push(() => proxy.close());
    const remote = s.connect({ server: proxy.url, watchTimeoutSeconds: 60 });
    const start = (await remote.resource('ConfigMap').list({ namespace: 'default' })).resourceVersion;
    const events = firstValueFrom(
      remote.resource('ConfigMap').watch({ namespace: 'default', resourceVersion: start }).pipe(take(4), toArray()),
    );
    const cms = s.api.resource('ConfigMap');
    const watches = () => proxy.seen.filter((r) => r.url.includes('watch=true'));
    for (const name of ['a', 'b', 'c']) {
      await cms.create(configMap(name));
      const opened = watches().length;
      await vi.waitFor(() => expect(watches().length).toBe(opened));
      await serverClock.step(60_000); // the server ends this watch; the client opens the next
      await vi.waitFor(() => expect(watches().length).toBeGreaterThan(opened));
    }
    await cms.create(configMap('d'));
    const seen = (await events) as WatchEvent<ConfigMap>[];
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED a',
      'ADDED b',
      'ADDED c',
      'ADDED d',
    ]);
    const resumedFrom = watches().map((r) => new URL(r.url, 'http://x').searchParams);
    expect(resumedFrom.every((q) => q.get('timeoutSeconds') === '60' && q.get('allowWatchBookmarks') === 'true')).toBe(
      true,
    );
    expect(resumedFrom).toHaveLength(4);
    // Each reopened watch starts at the revision of the last event (or bookmark) seen before it.
    for (let i = 1; i < 4; i++) {
      expect(Number(resumedFrom[i]!.get('resourceVersion'))).toBeGreaterThanOrEqual(
        Number(seen[i - 1]!.object.metadata.resourceVersion),
      );
    }
  });

  it('a watch gone silent past timeoutSeconds (+30 s) is reopened from its revision: the change made meanwhile arrives', async () => {
    const s = await servedRemote();
    cleanups.push(() => s.close());
    const proxy = await faultProxy(s.url);
    cleanups.push(() => proxy.close());
    const clock = new FakeClock();
    const remote = s.connect({
      server: proxy.url,
      clock,
      watchTimeoutSeconds: 10,
      requestTimeoutMs: 3_600_000,
      backoff: () => jitteredBackoff({ initialMs: 100, maxMs: 100, jitter: 0 }),
    });
    const cms = remote.resource('ConfigMap');
    const from = (await driveClock(clock, cms.list({ namespace: 'default' }), 100)).resourceVersion;
    let stalled = false;
    proxy.onRequest((req) => {
      if (!req.url?.includes('watch=true') || stalled) return 'forward';
      stalled = true;
      return 'stall-body';
    });
    const first = firstValueFrom(cms.watch({ namespace: 'default', resourceVersion: from }));
    await vi.waitFor(() => expect(proxy.count(/watch=true/)).toBe(1));
    await s.api.resource('ConfigMap').create(configMap('late')); // made while the stream is silent
    await clock.step(40_000);
    await vi.waitFor(async () => {
      await clock.step(100);
      expect(proxy.count(/watch=true/)).toBe(2);
    });
    expect((await first).object.metadata.name).toBe('late');
    const reopened = proxy.seen.filter((r) => r.url.includes('watch=true'))[1]!;
    expect(new URL(reopened.url, 'http://x').searchParams.get('resourceVersion')).toBe(from);
  });

  it('a revision older than the history ends the watch with ExpiredError (410), as informers expect', async () => {
    const store = new MemoryStore({ historyLimit: 5 });
    cleanups.push(() => store.close());
    const s = await servedRemote({ store });
    cleanups.push(() => s.close());
    for (let i = 0; i < 20; i++) await s.api.resource('ConfigMap').create(configMap(`old-${i}`));
    const err = await firstValueFrom(s.remote.resource('ConfigMap').watch({ resourceVersion: '2' })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExpiredError);
  });
});

describe('faults', () => {
  it('the apiserver restarted mid-watch: an informer sees every change exactly once', async () => {
    const store = new MemoryStore({ historyLimit: 1000 });
    const api = new Api({ store });
    cleanups.push(async () => {
      await api.close();
      await store.close();
    });
    let server = new ApiServer({ api });
    const { url } = await server.listen({ port: 0 });
    const port = Number(new URL(url).port);
    cleanups.push(() => server.stop());
    const remote = new RemoteApi({ server: url, qps: Number.POSITIVE_INFINITY, backoff: quickBackoff });
    cleanups.push(() => remote.close());
    const informer = new Informer<ConfigMap>(remote, 'ConfigMap', { backoff: quickBackoff() });
    const events: InformerEvent<ConfigMap>[] = [];
    const sub = informer.events$.subscribe((e) => events.push(e));
    cleanups.push(() => sub.unsubscribe());
    const stop = new AbortController();
    cleanups.push(() => stop.abort());
    informer.start(stop.signal);
    await informer.synced;

    const cms = api.resource('ConfigMap');
    const names = Array.from({ length: 15 }, (_, i) => `cm-${i}`);
    for (const n of names.slice(0, 5)) await cms.create(configMap(n));
    await server.stop(); // ends the watch responses, closes the port
    for (const n of names.slice(5, 10)) await cms.create(configMap(n)); // written while the server is down
    server = new ApiServer({ api });
    await server.listen({ port });
    for (const n of names.slice(10)) await cms.create(configMap(n));

    await vi.waitFor(
      () => expect(informer.cache.list().filter((c) => c.metadata.name.startsWith('cm-'))).toHaveLength(15),
      {
        timeout: 10_000,
      },
    );
    const added = events.filter((e) => e.type === 'added' && e.object.metadata.name.startsWith('cm-'));
    expect(added.map((e) => e.object.metadata.name).sort()).toEqual([...names].sort());
    expect(events.filter((e) => e.type !== 'added')).toEqual([]);
    // Bridged by the watch resuming from its revision, not by a relist.
    expect(added.filter((e) => e.isInInitialList)).toEqual([]);
  });

  it('a stalled server: a read ends in TimeoutError, a write in UnknownOutcomeError, once requestTimeoutMs passes on the clock', async () => {
    const s = await servedRemote();
    cleanups.push(() => s.close());
    const proxy = await faultProxy(s.url);
    cleanups.push(() => proxy.close());
    const clock = new FakeClock();
    const remote = s.connect({ server: proxy.url, clock, requestTimeoutMs: 5_000 });
    await driveClock(clock, remote.ready(), 100);
    proxy.onRequest(() => 'stall');
    const t0 = clock.now();
    const read = await driveClock(
      clock,
      remote
        .resource('ConfigMap')
        .get('default', 'x')
        .catch((e: unknown) => e),
      1_000,
    );
    expect(read).toBeInstanceOf(TimeoutError);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(5_000);
    const write = await driveClock(
      clock,
      remote
        .resource('ConfigMap')
        .create(configMap('slow'))
        .catch((e: unknown) => e),
      1_000,
    );
    expect(write).toBeInstanceOf(UnknownOutcomeError);
    expect(proxy.count(/^POST /)).toBe(1);
  });

  it('a 429 storm: each request waits out Retry-After on the clock, no request is sent early, and the limit of retries holds', async () => {
    const s = await servedRemote();
    cleanups.push(() => s.close());
    const proxy = await faultProxy(s.url);
    cleanups.push(() => proxy.close());
    await s.api.resource('ConfigMap').create(configMap('target'));
    const clock = new FakeClock();
    const remote = s.connect({ server: proxy.url, clock, requestTimeoutMs: 3_600_000, maxRetries: 10 });
    await driveClock(clock, remote.ready(), 250);
    const before = proxy.count();
    const tooMany = { status: 429, reason: 'TooManyRequests', retryAfterSeconds: 2 } as const;

    // Five refusals, then the server answers.
    proxy.onRequest((_req, i) => (i < before + 5 ? tooMany : 'forward'));
    const t0 = clock.now();
    const got = await driveClock(clock, remote.resource('ConfigMap').get('default', 'target'), 250);
    expect(got.data).toEqual({ v: 'target' });
    expect(proxy.count() - before).toBe(6);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(5 * 2_000);

    // A storm that never ends: 8 callers, each sends 1 + maxRetries requests, then gets TooManyRequestsError.
    proxy.onRequest(() => tooMany);
    const start = proxy.count();
    const results = await driveClock(
      clock,
      Promise.all(
        Array.from({ length: 8 }, () =>
          remote
            .resource('ConfigMap')
            .get('default', 'target')
            .catch((e: unknown) => e),
        ),
      ),
      250,
    );
    expect(results.every((e) => e instanceof TooManyRequestsError)).toBe(true);
    expect(proxy.count() - start).toBe(8 * 11);
  });

  it('client-side rate limit: 30 requests at once reach the server 10 at once, then 5 per second of the clock', async () => {
    const s = await servedRemote();
    cleanups.push(() => s.close());
    const proxy = await faultProxy(s.url);
    cleanups.push(() => proxy.close());
    const clock = new FakeClock();
    const remote = s.connect({ server: proxy.url, clock, qps: 5, burst: 10, requestTimeoutMs: 3_600_000 });
    await driveClock(clock, remote.ready(), 1_000); // discovery: two requests
    await clock.step(10_000); // the bucket is full again
    const base = proxy.count();
    const all = Promise.all(
      Array.from({ length: 30 }, () => remote.resource('ConfigMap').list({ namespace: 'default' })),
    );
    await vi.waitFor(() => expect(proxy.count() - base).toBe(10));
    const arrived: number[] = [];
    for (let second = 1; second <= 4; second++) {
      await clock.step(1_000);
      await vi.waitFor(() => expect(proxy.count() - base).toBe(Math.min(30, 10 + 5 * second)));
      arrived.push(proxy.count() - base);
    }
    expect(arrived).toEqual([15, 20, 25, 30]);
    await all;
  });

  it('a connection reset mid-write: an applied write is never reported failed (UnknownOutcomeError), a read is retried', async () => {
    const s = await servedRemote();
    cleanups.push(() => s.close());
    const proxy = await faultProxy(s.url);
    cleanups.push(() => proxy.close());
    const remote = s.connect({ server: proxy.url, backoff: quickBackoff });
    await remote.ready();

    proxy.onRequest((req) => (req.method === 'POST' ? 'lose-answer' : 'forward'));
    const err = await remote
      .resource('ConfigMap')
      .create(configMap('maybe'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownOutcomeError);
    expect(isReason(err, 'Timeout')).toBe(true);
    expect((await s.api.resource('ConfigMap').get('default', 'maybe')).data).toEqual({ v: 'maybe' });
    expect(proxy.count(/^POST /)).toBe(1); // not sent again

    let lostOnce = false;
    proxy.onRequest((req) => {
      if (req.method === 'GET' && !lostOnce) {
        lostOnce = true;
        return 'lose-answer';
      }
      return 'forward';
    });
    const read = await remote.resource('ConfigMap').get('default', 'maybe');
    expect(read.metadata.name).toBe('maybe');

    proxy.onRequest((req) => (req.method === 'DELETE' ? 'lose-answer' : 'forward'));
    const del = await remote
      .resource('ConfigMap')
      .delete('default', 'maybe')
      .catch((e: unknown) => e);
    expect(del).toBeInstanceOf(UnknownOutcomeError);
    await expect(s.api.resource('ConfigMap').get('default', 'maybe')).rejects.toBeInstanceOf(NotFoundError);
  });
});
