import { Api, type Clock, MemoryStore, RemoteApi, type RemoteApiOptions, type Store } from '@flotilla/core';
import { ApiServer, type ApiServerOptions } from '../../src/index.js';

/** What `servedRemote` sets up: a store, the in-process Api over it, the ApiServer serving it, and a RemoteApi to it. */
export interface ServedRemote {
  store: Store;
  api: Api;
  server: ApiServer;
  url: string;
  remote: RemoteApi;
  /** Another RemoteApi to the same server, with these options. */
  connect(options?: Partial<RemoteApiOptions>): RemoteApi;
  close(): Promise<void>;
}

/**
 * RemoteApi -> ApiServer (HTTP on loopback) -> Api -> a store (MemoryStore
 * unless given). Requests are not rate limited unless the options say so.
 */
export async function servedRemote(
  options: {
    store?: Store;
    clock?: Clock;
    remote?: Partial<RemoteApiOptions>;
    server?: Partial<ApiServerOptions>;
  } = {},
): Promise<ServedRemote> {
  const store = options.store ?? new MemoryStore({ historyLimit: 1000 });
  const api = new Api({ store, ...(options.clock ? { clock: options.clock } : {}) });
  const server = new ApiServer({ api, ...options.server });
  const { url } = await server.listen({ port: 0 });
  const opened: RemoteApi[] = [];
  const connect = (more: Partial<RemoteApiOptions> = {}) => {
    const remote = new RemoteApi({ server: url, qps: Number.POSITIVE_INFINITY, ...options.remote, ...more });
    opened.push(remote);
    return remote;
  };
  const remote = connect();
  return {
    store,
    api,
    server,
    url,
    remote,
    connect,
    async close() {
      for (const r of opened) await r.close();
      await server.stop();
      await api.close();
      if (!options.store) await store.close();
    },
  };
}

/** A minimal valid pod. */
export function pod(name: string, labels: Record<string, string> = {}, namespace = 'default') {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'app', image: 'nginx' }] },
  };
}
