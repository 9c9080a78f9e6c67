import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pod, servedApi } from '../server/served-api.js';

let s: Awaited<ReturnType<typeof servedApi>>;
beforeEach(async () => {
  s = await servedApi({ watch: { bookmarkIntervalMs: 60_000 } });
});
afterEach(async () => {
  await s.close();
});

interface WatchLine {
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: watch events carry arbitrary objects
  object: any;
}

/** Opens a watch and collects its events; `until` resolves once an event matches; `ended` when the server ends it. */
function openWatch(url: string, path: string, headers: Record<string, string> = {}) {
  const events: WatchLine[] = [];
  const waiters: { match: (e: WatchLine) => boolean; resolve: (e: WatchLine) => void }[] = [];
  let status = 0;
  let contentType = '';
  let cancel = () => {};
  const ended = new Promise<void>((resolveEnded, reject) => {
    const req = request(`${url}${path}`, { headers, agent: false }, (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type']);
      let partial = '';
      res.on('data', (chunk: Buffer) => {
        partial += chunk.toString('utf8');
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          const event = JSON.parse(line) as WatchLine;
          events.push(event);
          for (const w of waiters.splice(0)) w.match(event) ? w.resolve(event) : waiters.push(w);
        }
      });
      res.on('end', () => resolveEnded());
    });
    req.on('error', reject);
    req.end();
    cancel = () => req.destroy();
  });
  return {
    events,
    ended,
    get status() {
      return status;
    },
    get contentType() {
      return contentType;
    },
    until: (match: (e: WatchLine) => boolean) =>
      new Promise<WatchLine>((resolve) => {
        const seen = events.find(match);
        if (seen) resolve(seen);
        else waiters.push({ match, resolve });
      }),
    cancel: () => cancel(),
  };
}

const pods = '/api/v1/namespaces/default/pods';

describe('watch over HTTP: chunked newline-delimited JSON events', () => {
  it('without a resourceVersion: the current objects as ADDED, then the changes that follow', async () => {
    await s.json('POST', pods, pod('a'));
    const w = openWatch(s.url, `${pods}?watch=true`);
    await w.until((e) => e.type === 'ADDED' && e.object.metadata.name === 'a');
    await s.json('POST', pods, pod('b'));
    await s.json('PATCH', `${pods}/b`, { metadata: { labels: { x: 'y' } } }, 'application/merge-patch+json');
    await s.json('DELETE', `${pods}/b`, { gracePeriodSeconds: 0 });
    await w.until((e) => e.type === 'DELETED');
    expect(w.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED a',
      'ADDED b',
      'MODIFIED b',
      'DELETED b',
    ]);
    expect(w.status).toBe(200);
    expect(w.contentType).toBe('application/json');
    w.cancel();
  });

  it('from a resourceVersion: only the changes after it; selectors filter them', async () => {
    const a = (await s.json('POST', pods, pod('a', { app: 'web' }))).json;
    await s.json('POST', pods, pod('b', { app: 'db' }));
    await s.json('POST', pods, pod('c', { app: 'web' }));
    const w = openWatch(s.url, `${pods}?watch=1&resourceVersion=${a.metadata.resourceVersion}&labelSelector=app%3Dweb`);
    await w.until((e) => e.object.metadata.name === 'c');
    expect(w.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED c']);
    w.cancel();
  });

  it('a list after a watch sent the changes answers the latest state: the text the watch encoded is reused, never stale', async () => {
    const created = (await s.json('POST', pods, pod('a', { app: 'v1' }))).json;
    const w = openWatch(s.url, `${pods}?watch=true&resourceVersion=${created.metadata.resourceVersion}`);
    await s.json('POST', pods, pod('b', { app: 'v1' }));
    await s.json('PATCH', `${pods}/a`, { metadata: { labels: { app: 'v2' } } }, 'application/merge-patch+json');
    const modified = await w.until((e) => e.type === 'MODIFIED');
    const added = await w.until((e) => e.type === 'ADDED');
    const list = (await s.json('GET', pods)).json;
    expect(list.items).toEqual([modified.object, added.object]);
    expect(list.items).toEqual((await s.api.resource('Pod').list()).items);
    expect(list.items.map((p: { metadata: { labels: { app: string } } }) => p.metadata.labels.app)).toEqual([
      'v2',
      'v1',
    ]);
    w.cancel();
  });

  it('a resourceVersion older than the history: an ERROR event with a 410 Expired Status, then the end', async () => {
    for (let i = 0; i < 60; i++)
      await s.json('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `c${i}` } });
    const w = openWatch(s.url, `${pods}?watch=true&resourceVersion=1`);
    await w.ended;
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('allowWatchBookmarks: a BOOKMARK with the last revision each interval of the server clock', async () => {
    const created = (await s.json('POST', pods, pod('a'))).json;
    const w = openWatch(
      s.url,
      `${pods}?watch=true&allowWatchBookmarks=true&resourceVersion=${created.metadata.resourceVersion}`,
    );
    await s.json('POST', pods, pod('b'));
    const added = await w.until((e) => e.type === 'ADDED');
    await s.clock.step(60_000);
    const bookmark = await w.until((e) => e.type === 'BOOKMARK');
    expect(bookmark.object).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { resourceVersion: added.object.metadata.resourceVersion },
    });
    w.cancel();
  });

  it('sendInitialEvents with bookmarks: the state, then a BOOKMARK annotated k8s.io/initial-events-end', async () => {
    await s.json('POST', pods, pod('a'));
    const w = openWatch(
      s.url,
      `${pods}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    );
    const end = await w.until((e) => e.type === 'BOOKMARK');
    expect(end.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK']);
    w.cancel();
  });

  it('timeoutSeconds ends the watch cleanly (a finished chunked response) on the server clock', async () => {
    const w = openWatch(s.url, `${pods}?watch=true&timeoutSeconds=30`);
    await s.json('POST', pods, pod('a'));
    await w.until((e) => e.type === 'ADDED');
    await s.clock.step(30_000);
    await w.ended;
    expect(w.events.map((e) => e.type)).toEqual(['ADDED']);
  });

  it('a Table watch (kubectl get -w) sends each object as a one-row Table', async () => {
    await s.json('POST', pods, pod('a'));
    const w = openWatch(s.url, `${pods}?watch=true`, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    const event = await w.until((e) => e.type === 'ADDED');
    expect(event.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(event.object.rows).toHaveLength(1);
    expect(event.object.rows[0].cells[0]).toBe('a');
    expect(event.object.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'a' } });
    w.cancel();
  });

  it('stop() ends open watches with a finished response and resolves once every socket is closed', async () => {
    const w = openWatch(s.url, `${pods}?watch=true`);
    await s.json('POST', pods, pod('a'));
    await w.until((e) => e.type === 'ADDED');
    await s.server.stop();
    await w.ended;
    await s.server.stopped;
    expect(w.events.map((e) => e.type)).toEqual(['ADDED']);
  });
});

describe('a watch whose client goes away', () => {
  it('ends on the server and gives back its slot: with room for one watch, the next one is served', async () => {
    const limited = await servedApi({ limits: { maxWatches: 1 } });
    try {
      await limited.json('POST', pods, pod('a'));
      const first = openWatch(limited.url, `${pods}?watch=true`);
      await first.until((e) => e.object.metadata.name === 'a');
      first.ended.catch(() => {});
      first.cancel();
      // The server learns of the disconnect on its own schedule: ask again until the slot is back (429 until then).
      const deadline = Date.now() + 30_000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline) {
        status = await answerStatus(`${limited.url}${pods}?watch=true`);
        if (status !== 200) await new Promise((retry) => setTimeout(retry, 50));
      }
      expect(status).toBe(200);
    } finally {
      await limited.close();
    }
  }, 60_000);
});

/** The status code a request is answered with; the request is closed once it is known. */
function answerStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}
