import type { ServerResponse } from 'node:http';
import { type Api, compileLabelSelector, type KubeObject, type PodMetrics } from '@flotilla/core';
import { HttpStatusError } from '../errors/http-status-error.js';
import type { RequestInfo } from '../server/request-info.js';
import { writeJson } from '../server/respond.js';
import { METRICS_GROUP, METRICS_VERSION } from './metrics-group.js';
import type { NodeMetrics, ResourceMetricsSource } from './resource-metrics.js';

const API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

/** What serving a metrics request needs. */
export interface MetricsRequest {
  api: Api;
  source: ResourceMetricsSource;
  info: RequestInfo;
  query: URLSearchParams;
  res: ServerResponse;
  /** The time written as each item's `creationTimestamp`, as metrics-server does. */
  now: number;
}

type Item = (PodMetrics | NodeMetrics) & { metadata: { name: string; namespace?: string } };

/** The labels of the pods (or nodes) metrics are reported for, by `namespace/name`, for `labelSelector` and the items' metadata. */
async function labelsOf(api: Api, pods: boolean, namespace: string): Promise<Map<string, Record<string, string>>> {
  const client = api.resource<KubeObject>(pods ? 'Pod' : 'Node');
  const list = await client.list(pods && namespace ? { namespace } : {});
  return new Map(list.items.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.labels ?? {}]));
}

/**
 * `GET /apis/metrics.k8s.io/v1beta1/...`: `nodes`, `nodes/<name>`, `pods`
 * (all namespaces), `namespaces/<ns>/pods`, `namespaces/<ns>/pods/<name>`,
 * with `labelSelector` on lists, as metrics-server answers them (items carry
 * their object's labels; only objects that exist are reported).
 */
export async function serveMetrics(r: MetricsRequest): Promise<void> {
  const { info } = r;
  if (info.verb !== 'get' && info.verb !== 'list') {
    throw new HttpStatusError(
      405,
      'MethodNotAllowed',
      `${info.verb} is not supported on ${API_VERSION} ${info.resource}`,
    );
  }
  const pods = info.resource === 'pods';
  if ((!pods && info.resource !== 'nodes') || info.subresource || (!pods && info.namespace)) {
    throw new HttpStatusError(404, 'NotFound', 'the server could not find the requested resource');
  }
  const all: Item[] = pods ? await r.source.pods() : await r.source.nodes();
  const labels = await labelsOf(r.api, pods, info.namespace);
  const creationTimestamp = new Date(r.now).toISOString();
  const kind = pods ? 'PodMetrics' : 'NodeMetrics';
  const items = all
    .filter((m) => !pods || !info.namespace || m.metadata.namespace === info.namespace)
    .map((m) => ({ m, labels: labels.get(`${m.metadata.namespace ?? ''}/${m.metadata.name}`) }))
    .filter((x): x is { m: Item; labels: Record<string, string> } => x.labels !== undefined)
    .map(({ m, labels }) => ({ ...m, metadata: { ...m.metadata, creationTimestamp, labels } }));
  if (info.name) {
    const item = items.find((m) => m.metadata.name === info.name);
    if (!item) {
      throw new HttpStatusError(404, 'NotFound', `${kind.toLowerCase()}.${METRICS_GROUP} "${info.name}" not found`);
    }
    return writeJson(r.res, 200, { kind, apiVersion: API_VERSION, ...item });
  }
  const selector = compileLabelSelector(r.query.get('labelSelector') ?? undefined);
  writeJson(r.res, 200, {
    kind: `${kind}List`,
    apiVersion: API_VERSION,
    metadata: {},
    items: items.filter((m) => selector.matches(m.metadata.labels)),
  });
}
