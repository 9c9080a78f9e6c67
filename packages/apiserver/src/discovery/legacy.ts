import type { ResourceType } from '@flotilla/core';
import type { ServedGroup } from '../resources/resource-index.js';
import { categoriesOf, RESOURCE_VERBS, subresourcesOf } from '../resources/subresources.js';

/** One group of `/apis` (`metav1.APIGroup`). */
export interface ApiGroup {
  kind?: 'APIGroup';
  apiVersion?: 'v1';
  name: string;
  versions: { groupVersion: string; version: string }[];
  preferredVersion: { groupVersion: string; version: string };
}

/** One entry of an `APIResourceList` (`metav1.APIResource`); subresources appear as `pods/status`. */
export interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

/** `/api`: the core group's versions. */
export function apiVersions(): { kind: 'APIVersions'; versions: string[]; serverAddressByClientCIDRs: never[] } {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
}

function groupVersion(group: string, version: string) {
  return { groupVersion: group ? `${group}/${version}` : version, version };
}

/** `/apis/<group>`, or one entry of `/apis`. */
export function apiGroup(group: ServedGroup): ApiGroup {
  const versions = [...group.versions.keys()].map((v) => groupVersion(group.name, v));
  return { name: group.name, versions, preferredVersion: versions[0]! };
}

/** `/apis`: every group but the core one. */
export function apiGroupList(groups: ServedGroup[]): { kind: 'APIGroupList'; apiVersion: 'v1'; groups: ApiGroup[] } {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.filter((g) => g.name !== '').map(apiGroup) };
}

function resourceEntries(type: ResourceType): ApiResource[] {
  const main: ApiResource = {
    name: type.plural,
    singularName: type.kind.toLowerCase(),
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: [...RESOURCE_VERBS],
  };
  if (type.shortNames?.length) main.shortNames = [...type.shortNames];
  const categories = categoriesOf(type);
  if (categories.length) main.categories = categories;
  const subs = subresourcesOf(type).map(
    (s): ApiResource => ({
      name: `${type.plural}/${s.name}`,
      singularName: '',
      namespaced: type.namespaced,
      group: s.responseKind.group,
      version: s.responseKind.version,
      kind: s.responseKind.kind,
      verbs: [...s.verbs],
    }),
  );
  return [main, ...subs];
}

/** `/api/v1` or `/apis/<group>/<version>`: the kinds served there (`metav1.APIResourceList`). */
export function apiResourceList(
  group: string,
  version: string,
  types: ResourceType[],
): { kind: 'APIResourceList'; apiVersion: 'v1'; groupVersion: string; resources: ApiResource[] } {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group, version).groupVersion,
    resources: types.flatMap(resourceEntries),
  };
}
