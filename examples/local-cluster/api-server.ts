import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer, type KubeletClientOptions, type ServingInfo, writeKubeconfig } from '@flotilla/apiserver';
import type { Api, Logger } from '@flotilla/core';
import type { DashboardServer } from '@flotilla/dashboard';
import { startDashboard } from './dashboard.js';

/** The cluster's Api served over HTTP on loopback, and the kubeconfig that points at it. */
export interface ServedApi {
  server: ApiServer;
  info: ServingInfo;
  kubeconfig: string;
  /** The web dashboard in front of the server (anonymous like the server: loopback only). */
  dashboard: DashboardServer;
}

/** Where `npm start` writes its kubeconfig. */
export const kubeconfigPath = join(tmpdir(), 'flotilla-kubeconfig');

/**
 * Serves `api` on 127.0.0.1 (a free port) for kubectl and client libraries,
 * and writes a kubeconfig for it. Anonymous and AlwaysAllow: loopback only.
 * With `kubeletClient` (the cluster's, when its agents serve their API),
 * `kubectl logs`, `exec`, `port-forward` and `top` reach the node agents.
 */
export async function serveApi(api: Api, logger: Logger, kubeletClient?: KubeletClientOptions): Promise<ServedApi> {
  const server = new ApiServer({ api, logger, kubeletClient });
  const info = await server.listen({ host: '127.0.0.1', port: 0 });
  await writeKubeconfig(kubeconfigPath, { server: info, insecureSkipTlsVerify: true });
  return { server, info, kubeconfig: kubeconfigPath, dashboard: await startDashboard(info.url) };
}

/** How to point kubectl at the served cluster, one line each. */
export function kubectlHint(served: ServedApi): string[] {
  return [
    `API server on ${served.info.url}; kubeconfig in ${served.kubeconfig}:`,
    `  export KUBECONFIG=${served.kubeconfig}`,
    '  kubectl get nodes -o wide',
    `Dashboard on ${served.dashboard.url}`,
  ];
}
