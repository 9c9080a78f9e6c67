import type { ResourceType } from '@flotilla/core';

/** A group/version/kind triple, as discovery's `responseKind`. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** One subresource a kind serves, with what it answers and which verbs it takes. */
export interface SubresourceInfo {
  name: 'status' | 'scale' | 'binding' | 'eviction' | 'log' | 'exec' | 'attach' | 'portforward' | 'proxy' | 'token';
  responseKind: GroupVersionKind;
  verbs: string[];
}

/** The kinds with a `scale` subresource among the built-ins (Kubernetes adds StatefulSet, which core lacks). */
export const SCALABLE_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'ReplicaSet',
  'ReplicationController',
  'StatefulSet',
]);

/** The `autoscaling/v1` Scale kind every scale subresource answers with. */
export const SCALE_KIND: GroupVersionKind = Object.freeze({ group: 'autoscaling', version: 'v1', kind: 'Scale' });

const READ_WRITE = ['get', 'patch', 'update'];

/** Pods' subresources served by their node agents, with kube-apiserver's response kinds and verbs. */
const POD_STREAM_SUBRESOURCES: readonly SubresourceInfo[] = [
  { name: 'log', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
  { name: 'exec', responseKind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] },
  { name: 'attach', responseKind: { group: '', version: 'v1', kind: 'PodAttachOptions' }, verbs: ['create', 'get'] },
  {
    name: 'portforward',
    responseKind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' },
    verbs: ['create', 'get'],
  },
];

/** The subresources served for `type`. */
export function subresourcesOf(type: ResourceType): SubresourceInfo[] {
  const own: GroupVersionKind = { group: type.group, version: type.version, kind: type.kind };
  const subresources: SubresourceInfo[] = [];
  if (type.statusSubresource) subresources.push({ name: 'status', responseKind: own, verbs: READ_WRITE });
  // A kind a CustomResourceDefinition defines has a scale subresource when its CRD declares one.
  const customScale = (type as ResourceType & { scale?: object }).scale !== undefined;
  if (SCALABLE_KINDS.has(type.kind) || customScale) {
    subresources.push({ name: 'scale', responseKind: SCALE_KIND, verbs: READ_WRITE });
  }
  if (type.kind === 'Pod' && type.group === '') {
    subresources.push({
      name: 'binding',
      responseKind: { group: '', version: 'v1', kind: 'Binding' },
      verbs: ['create'],
    });
    subresources.push({
      name: 'eviction',
      responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' },
      verbs: ['create'],
    });
    subresources.push(...POD_STREAM_SUBRESOURCES);
  }
  if (type.kind === 'ServiceAccount' && type.group === '') {
    const tokenRequest = { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };
    subresources.push({ name: 'token', responseKind: tokenRequest, verbs: ['create'] });
  }
  if (type.kind === 'Node' && type.group === '') {
    subresources.push({
      name: 'proxy',
      responseKind: { group: '', version: 'v1', kind: 'NodeProxyOptions' },
      verbs: ['create', 'delete', 'get', 'patch', 'update'],
    });
  }
  return subresources;
}

/** The verbs every registered kind serves on its main resource. */
export const RESOURCE_VERBS: readonly string[] = Object.freeze([
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
]);

/**
 * Kubernetes' `all` category: what `kubectl get all` lists, for the built-in
 * kinds (kinds a CustomResourceDefinition defines declare their own).
 */
const ALL_CATEGORY = new Set([
  'Pod',
  'Service',
  'ReplicationController',
  'DaemonSet',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'HorizontalPodAutoscaler',
  'CronJob',
  'Job',
]);

/** The discovery categories of `type` (`['all']` for the workload kinds, as kube-apiserver lists them). */
export function categoriesOf(type: ResourceType): string[] {
  // A kind a CustomResourceDefinition defines carries its own categories.
  const declared = (type as ResourceType & { categories?: string[] }).categories;
  if (declared) return [...declared];
  return ALL_CATEGORY.has(type.kind) && isBuiltinGroup(type.group) ? ['all'] : [];
}

function isBuiltinGroup(group: string): boolean {
  return group === '' || group === 'apps' || group === 'batch' || group === 'autoscaling';
}
