import { HttpStatusError } from '../errors/http-status-error.js';
import type { ResourceIndex } from '../resources/resource-index.js';
import { asksFor, type MediaType } from '../server/media-type.js';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE, aggregatedDiscovery } from './aggregated.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './legacy.js';
import { versionInfo } from './version.js';

/** A discovery answer: the body and the Content-Type it must carry. */
export interface DiscoveryDocument {
  body: unknown;
  contentType: string;
}

function wantsAggregated(accept: readonly MediaType[]): boolean {
  for (const m of accept) {
    if (asksFor(m, 'APIGroupDiscoveryList', 'apidiscovery.k8s.io', 'v2')) return true;
    // The client ranks its choices: a plain JSON entry before the aggregated one means it prefers legacy.
    if (m.type === 'application/json' && m.params.as === undefined) return false;
  }
  return false;
}

const json = (body: unknown): DiscoveryDocument => ({ body, contentType: 'application/json' });

/**
 * The discovery document at `path`, or `undefined` when `path` is not a
 * discovery path: `/version`, `/api` and `/apis` (aggregated when asked for,
 * legacy otherwise), `/api/v1`, `/apis/<group>` and `/apis/<group>/<version>`.
 * Built from the registry on each call, so kinds registered at run time show
 * at once.
 */
export function discoveryDocument(
  path: string,
  accept: readonly MediaType[],
  index: ResourceIndex,
): DiscoveryDocument | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 1 && parts[0] === 'version') return json(versionInfo());
  if (parts[0] !== 'api' && parts[0] !== 'apis') return undefined;
  const core = parts[0] === 'api';
  if (parts.length === 1) {
    const groups = index.servedGroups().filter((g) => (g.name === '') === core);
    if (wantsAggregated(accept)) {
      return { body: aggregatedDiscovery(groups), contentType: AGGREGATED_DISCOVERY_CONTENT_TYPE };
    }
    return json(core ? apiVersions() : apiGroupList(groups));
  }
  const groupName = core ? '' : parts[1]!;
  const version = core ? parts[1] : parts[2];
  const resourcePath = parts.length > (core ? 2 : 3);
  if (resourcePath) return undefined;
  const group = index.group(groupName);
  if (!group) throw new HttpStatusError(404, 'NotFound', 'the server could not find the requested resource');
  if (version === undefined) return json({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) });
  const types = group.versions.get(version);
  if (!types) throw new HttpStatusError(404, 'NotFound', 'the server could not find the requested resource');
  return json(apiResourceList(groupName, version, types));
}
