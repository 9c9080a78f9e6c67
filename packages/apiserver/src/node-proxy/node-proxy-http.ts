import type { RestRequest, RestServices } from '../rest/rest-request.js';
import { requestKubelet } from './kubelet-client.js';
import { nodeProxyPath } from './node-proxy-path.js';
import { kubeletEndpointOf } from './node-target.js';
import { relayResponse } from './relay.js';

/** Request headers passed on to the agent (the client's credentials are not: the apiserver presents its own). */
const FORWARDED_HEADERS = ['accept', 'content-type', 'content-length'];

/**
 * `nodes/<name>/proxy/<path>`: the request passed to the node agent's
 * `/<path>` with the apiserver's credentials (what
 * `kubectl get --raw /api/v1/nodes/<name>/proxy/stats/summary` reads), the
 * answer streamed back as the agent gives it.
 */
export async function serveNodeProxy(r: RestRequest, s: RestServices): Promise<void> {
  const endpoint = await kubeletEndpointOf(s.api, r.info.name, s.kubelet);
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = r.req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const hasBody = r.req.method !== 'GET' && r.req.method !== 'HEAD';
  const upstream = await requestKubelet(s.kubelet, endpoint, nodeProxyPath(r.info.path, r.query), {
    method: r.req.method ?? 'GET',
    headers,
    ...(hasBody ? { body: r.req } : {}),
    signal: r.signal,
  });
  await relayResponse(upstream, r.res);
}
