import type { ResourceType } from '@flotilla/core';
import type { ServedGroup } from '../resources/resource-index.js';
import { categoriesOf, RESOURCE_VERBS, subresourcesOf } from '../resources/subresources.js';

/**
 * The exact Content-Type of an aggregated discovery answer: kubectl ignores
 * the same body sent as plain `application/json`.
 */
export const AGGREGATED_DISCOVERY_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** One resource of aggregated discovery (`apidiscovery.k8s.io/v2` `APIResourceDiscovery`). */
export interface ApiResourceDiscovery {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: {
    subresource: string;
    responseKind: { group: string; version: string; kind: string };
    verbs: string[];
  }[];
}

/** `apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`. */
export interface ApiGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: 'apidiscovery.k8s.io/v2';
  metadata: Record<string, never>;
  items: {
    metadata: { name: string };
    versions: { version: string; resources: ApiResourceDiscovery[]; freshness: 'Current' }[];
  }[];
}

function resourceDiscovery(type: ResourceType): ApiResourceDiscovery {
  const entry: ApiResourceDiscovery = {
    resource: type.plural,
    responseKind: { group: type.group, version: type.version, kind: type.kind },
    scope: type.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: type.kind.toLowerCase(),
    verbs: [...RESOURCE_VERBS],
  };
  if (type.shortNames?.length) entry.shortNames = [...type.shortNames];
  const categories = categoriesOf(type);
  if (categories.length) entry.categories = categories;
  const subresources = subresourcesOf(type);
  if (subresources.length) {
    entry.subresources = subresources.map((s) => ({
      subresource: s.name,
      responseKind: s.responseKind,
      verbs: [...s.verbs],
    }));
  }
  return entry;
}

/** Aggregated discovery for `groups`: `/api` passes the core group only, `/apis` every other one. */
export function aggregatedDiscovery(groups: ServedGroup[]): ApiGroupDiscoveryList {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name },
      versions: [...g.versions].map(([version, types]) => ({
        version,
        resources: types.map(resourceDiscovery),
        freshness: 'Current' as const,
      })),
    })),
  };
}
