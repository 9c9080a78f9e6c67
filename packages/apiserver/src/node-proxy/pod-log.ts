import { InvalidError } from '@flotilla/core';
import type { RestRequest, RestServices } from '../rest/rest-request.js';
import { requestKubelet } from './kubelet-client.js';
import { podTarget } from './node-target.js';
import { relayResponse } from './relay.js';

/** PodLogOptions read from the query, with the least value each integer takes (kube-apiserver's validation). */
const INTEGER_OPTIONS: readonly [string, number][] = [
  ['tailLines', 0],
  ['limitBytes', 1],
  ['sinceSeconds', 1],
];
const BOOLEAN_OPTIONS = ['follow', 'previous', 'timestamps'];

/** The agent's query for a `pods/log` query: the PodLogOptions checked, `container` left out (it is in the path). */
function logQuery(r: RestRequest): URLSearchParams {
  const out = new URLSearchParams();
  const causes: { field: string; message: string }[] = [];
  for (const [name, least] of INTEGER_OPTIONS) {
    const value = r.query.get(name);
    if (value === null) continue;
    if (!/^-?\d+$/.test(value) || Number(value) < least) {
      causes.push({ field: name, message: `Invalid value: ${JSON.stringify(value)}: must be an integer >= ${least}` });
    } else out.set(name, value);
  }
  for (const name of BOOLEAN_OPTIONS) {
    const value = r.query.get(name);
    if (value !== null) out.set(name, String(value === 'true' || value === '1'));
  }
  const sinceTime = r.query.get('sinceTime');
  if (sinceTime !== null) {
    if (Number.isNaN(Date.parse(sinceTime))) {
      causes.push({ field: 'sinceTime', message: `Invalid value: ${JSON.stringify(sinceTime)}: must be RFC 3339` });
    } else if (out.has('sinceSeconds')) {
      causes.push({
        field: 'sinceTime',
        message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
      });
    } else out.set('sinceTime', sinceTime);
  }
  if (causes.length > 0) throw new InvalidError('PodLogOptions', r.info.name, causes);
  return out;
}

/**
 * `GET pods/<name>/log`: the container's log from its node agent's
 * `/containerLogs/...`, streamed as `text/plain` (with `follow=true` until
 * the client or the agent closes). The agent's refusals (no previous run,
 * container not started) reach the client as the agent's Status.
 */
export async function servePodLog(r: RestRequest, s: RestServices): Promise<void> {
  const query = logQuery(r);
  const target = await podTarget(s.api, r.info.namespace, r.info.name, r.query.get('container'), s.kubelet, true);
  const path = `/containerLogs/${[r.info.namespace, r.info.name, target.container].map(encodeURIComponent).join('/')}`;
  const upstream = await requestKubelet(s.kubelet, target.endpoint, `${path}?${query}`, {
    method: 'GET',
    signal: r.signal,
  });
  await relayResponse(upstream, r.res);
}
