import type { DiscoveryDocument } from '../discovery/discovery-documents.js';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE } from '../discovery/index.js';
import {
  aggregatedMetricsGroup,
  METRICS_GROUP,
  METRICS_VERSION,
  metricsApiGroup,
  metricsResourceList,
} from './metrics-group.js';

const json = (body: unknown): DiscoveryDocument => ({ body, contentType: 'application/json' });

/**
 * The discovery documents with the metrics group in them: `/apis` (both
 * formats) gains its entry; `/apis/metrics.k8s.io[/v1beta1]` are answered
 * here. `documentOf` builds the registry's own document for `path`.
 */
export function withMetricsDiscovery(
  path: string,
  documentOf: () => DiscoveryDocument | undefined,
): DiscoveryDocument | undefined {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === `/apis/${METRICS_GROUP}`) return json({ kind: 'APIGroup', apiVersion: 'v1', ...metricsApiGroup() });
  if (trimmed === `/apis/${METRICS_GROUP}/${METRICS_VERSION}`) return json(metricsResourceList());
  const doc = documentOf();
  if (trimmed !== '/apis' || !doc) return doc;
  if (doc.contentType === AGGREGATED_DISCOVERY_CONTENT_TYPE) {
    const list = doc.body as { items: unknown[] };
    return { ...doc, body: { ...list, items: [...list.items, aggregatedMetricsGroup()] } };
  }
  const list = doc.body as { groups: unknown[] };
  return { ...doc, body: { ...list, groups: [...list.groups, metricsApiGroup()] } };
}
