import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ExpiredError } from '../../src/errors/api-errors.js';
import type { KubeObject } from '../../src/model/meta.js';
import { RemoteApi } from '../../src/remote/remote-api.js';
import type { WatchEvent } from '../../src/store/store.js';

/** The aggregated discovery answer (apidiscovery.k8s.io/v2) for the core group, ConfigMaps only, as kube-apiserver sends it. */
const coreDiscovery = {
  kind: 'APIGroupDiscoveryList',
  apiVersion: 'apidiscovery.k8s.io/v2',
  metadata: {},
  items: [
    {
      metadata: { creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'configmaps',
              responseKind: { group: '', version: 'v1', kind: 'ConfigMap' },
              scope: 'Namespaced',
              singularResource: 'configmap',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['cm'],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
  ],
};
const DISCOVERY_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

const cm = (name: string, rv: string) =>
  JSON.stringify({
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name, namespace: 'default', resourceVersion: rv },
  });

/**
 * The frames of two watch responses as kube-apiserver writes them: one JSON
 * object per line, cut anywhere by chunking, with a bookmark (an object
 * carrying only its kind and resourceVersion), then, on the resumed watch,
 * an ERROR event carrying a 410 Expired Status.
 */
const responses: string[][] = [
  [
    `{"type":"ADDED","object":${cm('a', '10')}}\n{"type":"MODI`,
    `FIED","object":${cm('a', '11')}}\n`,
    `{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"15","annotations":{"k8s.io/initial-events-end":"true"}}}}\n`,
  ],
  [
    `{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 15 (20)","reason":"Expired","code":410}}\n`,
  ],
];

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('watch framing, as kube-apiserver frames a watch', () => {
  it('reassembles lines cut across chunks, follows bookmarks, resumes from them, and ends with ExpiredError on a 410 ERROR event', async () => {
    const watchQueries: URLSearchParams[] = [];
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api' || url.pathname === '/apis') {
        res.writeHead(200, { 'Content-Type': DISCOVERY_TYPE });
        res.end(JSON.stringify(url.pathname === '/api' ? coreDiscovery : { ...coreDiscovery, items: [] }));
        return;
      }
      watchQueries.push(url.searchParams);
      const frames = responses[watchQueries.length - 1] ?? [];
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      let i = 0;
      const next = () => {
        if (i < frames.length) res.write(frames[i++], () => setImmediate(next));
        else res.end();
      };
      next();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const remote = new RemoteApi({
      server: `http://127.0.0.1:${port}`,
      qps: Number.POSITIVE_INFINITY,
      watchTimeoutSeconds: 300,
    });

    const events: WatchEvent<KubeObject>[] = [];
    const error = await new Promise<unknown>((resolve) => {
      remote
        .resource('ConfigMap')
        .watch({ namespace: 'default', resourceVersion: '9' })
        .subscribe({ next: (e) => events.push(e), error: resolve, complete: () => resolve('completed') });
    });
    await remote.close();

    expect(events.map((e) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`)).toEqual([
      'ADDED a@10',
      'MODIFIED a@11',
    ]);
    expect(error).toBeInstanceOf(ExpiredError);
    expect(watchQueries.map((q) => q.get('resourceVersion'))).toEqual(['9', '15']);
    expect(watchQueries.every((q) => q.get('watch') === 'true' && q.get('allowWatchBookmarks') === 'true')).toBe(true);
  });
});
