import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer, generateServingCertificate, type ServingInfo, writeKubeconfig } from '@flotilla/apiserver';
import { type Logger, MemoryStore, RemoteApi, silentLogger } from '@flotilla/core';
import { LocalCluster } from '../local-cluster/cluster.js';
import { type DockerNodes, dockerNodes } from '../local-cluster/docker-nodes.js';
import { ServedPodMetrics } from './served-pod-metrics.js';

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
  /** `docker`: every node runs real containers on one dockerd (`scripts/docker.ts`). Default simulated nodes. */
  runtime?: 'fake' | 'docker';
  /**
   * The node agents serve the kubelet API and the apiserver reaches them
   * (`kubectl logs`, `exec`, `port-forward`, `top`); the autoscaler then
   * reads `metrics.k8s.io` through the apiserver. Default off.
   */
  nodeApi?: boolean;
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
 * Starts a whole in-process cluster (simulated nodes on FakeRuntime or
 * Docker nodes, the controller manager, the scheduler) and serves its Api
 * over HTTP(S), as
 * `npm start -- --serve` does: what kubectl and client-node tests run against.
 */
export async function serveLocalCluster(options: ServedClusterOptions = {}): Promise<ServedCluster> {
  const logger = options.logger ?? silentLogger();
  const store = new MemoryStore({ historyLimit: options.historyLimit });
  const docker: DockerNodes | undefined = options.runtime === 'docker' ? await dockerNodes(logger) : undefined;
  const autoscalerMetrics = options.nodeApi ? new ServedPodMetrics() : undefined;
  const cluster = await LocalCluster.start({
    store,
    nodes: options.nodes ?? 2,
    logger,
    loopbackNet: options.loopbackNet ?? 1,
    runtimeFor: docker?.runtimeFor,
    nodeApiToken: options.nodeApi ? randomBytes(24).toString('base64url') : undefined,
    autoscalerMetrics,
  });
  // One certificate for the cluster's life, so a restarted server is trusted by the same kubeconfig.
  const tls = options.tls ? await generateServingCertificate() : false;
  const listen = async (port: number) => {
    const server = new ApiServer({ api: cluster.api, logger, kubeletClient: cluster.kubeletClient });
    return { server, info: await server.listen({ port, tls }) };
  };
  const first = await listen(options.port ?? 0);
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-kubeconfig-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, { server: first.info, insecureSkipTlsVerify: !first.info.caCert });
  // The autoscaler reads metrics.k8s.io as a client of the server, like any controller outside it.
  const metricsClient = autoscalerMetrics && new RemoteApi({ server: first.info.url, ca: first.info.caCert });
  if (metricsClient) autoscalerMetrics?.connect(metricsClient);
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
      await metricsClient?.close();
      await cluster.stop();
      await docker?.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return served;
}
