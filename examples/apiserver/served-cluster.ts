import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer, generateServingCertificate, type ServingInfo, writeKubeconfig } from '@flotilla/apiserver';
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
  /** Writes the store keeps for watch resume (MemoryStore's default 10,000); small to provoke 410s. */
  historyLimit?: number;
}

/** A local cluster behind an ApiServer, with a kubeconfig pointing at it. */
export interface ServedCluster {
  cluster: LocalCluster;
  /** The current server (a new one after `restartServer`). */
  server: ApiServer;
  info: ServingInfo;
  /** Stops the ApiServer (the cluster keeps running); `startServer` brings one back on the same port and certificate. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
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
  const store = new MemoryStore({ historyLimit: options.historyLimit });
  const cluster = await LocalCluster.start({
    store,
    nodes: options.nodes ?? 2,
    logger,
    loopbackNet: options.loopbackNet ?? 1,
  });
  // One certificate for the cluster's life, so a restarted server is trusted by the same kubeconfig.
  const tls = options.tls ? await generateServingCertificate() : false;
  const listen = async (port: number) => {
    const server = new ApiServer({ api: cluster.api, logger });
    return { server, info: await server.listen({ port, tls }) };
  };
  const first = await listen(options.port ?? 0);
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-kubeconfig-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, { server: first.info, insecureSkipTlsVerify: !first.info.caCert });
  const served: ServedCluster = {
    cluster,
    server: first.server,
    info: first.info,
    kubeconfig,
    stopServer: () => served.server.stop(),
    async startServer() {
      served.server = (await listen(served.info.port)).server;
    },
    async stop() {
      await served.server.stop();
      await cluster.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return served;
}
