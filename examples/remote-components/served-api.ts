import { ApiServer } from '@flotilla/apiserver';
import { Api, MemoryStore } from '@flotilla/core';

/** The cluster's side of a remote-components test: an Api over a MemoryStore, served over HTTP on loopback. */
export interface ServedApi {
  /** The in-process Api the server serves: the test's own view of the cluster. */
  api: Api;
  /** The server's URL: all a component on a RemoteApi is told. */
  url: string;
  /** Stops the server and closes the Api and the store. */
  close(): Promise<void>;
}

/** Starts an ApiServer over a fresh MemoryStore on a free loopback port. */
export async function serveApi(): Promise<ServedApi> {
  const store = new MemoryStore();
  const api = new Api({ store });
  const server = new ApiServer({ api });
  const { url } = await server.listen({ port: 0 });
  return {
    api,
    url,
    async close() {
      await server.stop();
      await api.close();
      await store.close();
    },
  };
}
