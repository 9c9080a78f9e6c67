import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer, type ServingInfo, writeKubeconfig } from '@flotilla/apiserver';
import { type Logger, MemoryStore, silentLogger } from '@flotilla/core';
import { LocalCluster } from '../local-cluster/cluster.js';

/** Options of `serveLocalCluster`. */
export interface ServedClusterOptions {
  nodes?: number;
  /** Second octet of the simulated pods' loopback IPs; distinct per cluster running at once. */
  loopbackNet?: number;
  /** Serve HTTPS with a generated CA (the kubeconfig carries it). Default plain HTTP on loopback. */
  tls?: boolean;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  logger?: Logger;
}

/** A local cluster behind an ApiServer, with a kubeconfig pointing at it. */
export interface ServedCluster {
  cluster: LocalCluster;
  server: ApiServer;
  info: ServingInfo;
  /** Path of the kubeconfig written for this server. */
  kubeconfig: string;
  /** Stops the server, the cluster and the store, and removes the kubeconfig. */
  stop(): Promise<void>;
}

/**
 * Starts a whole in-process cluster (simulated nodes on FakeRuntime, the
 * controller manager, the scheduler) and serves its Api over HTTP(S), as
 * `npm start -- --serve` does: what kubectl and client-node tests run against.
 */
export async function serveLocalCluster(options: ServedClusterOptions = {}): Promise<ServedCluster> {
  const logger = options.logger ?? silentLogger();
  const store = new MemoryStore();
  const cluster = await LocalCluster.start({
    store,
    nodes: options.nodes ?? 2,
    logger,
    loopbackNet: options.loopbackNet ?? 1,
  });
  const server = new ApiServer({ api: cluster.api, logger });
  const info = await server.listen({ port: options.port ?? 0, tls: options.tls ?? false });
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-kubeconfig-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, { server: info, insecureSkipTlsVerify: !info.caCert });
  return {
    cluster,
    server,
    info,
    kubeconfig,
    async stop() {
      await server.stop();
      await cluster.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
