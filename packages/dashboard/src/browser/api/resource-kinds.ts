/** Where a kind lives in the REST API. */
export interface ResourceKind {
  kind: string;
  /** `''` for the core group. */
  group: string;
  version: string;
  /** The plural in the path: `deployments`. */
  resource: string;
  namespaced: boolean;
}

const kind = (kind: string, group: string, version: string, resource: string, namespaced = true): ResourceKind => ({
  kind,
  group,
  version,
  resource,
  namespaced,
});

/** The kinds the views show, by kind name. */
export const KINDS = {
  Node: kind('Node', '', 'v1', 'nodes', false),
  Pod: kind('Pod', '', 'v1', 'pods'),
  Service: kind('Service', '', 'v1', 'services'),
  Endpoints: kind('Endpoints', '', 'v1', 'endpoints'),
  Event: kind('Event', '', 'v1', 'events'),
  Deployment: kind('Deployment', 'apps', 'v1', 'deployments'),
  ReplicaSet: kind('ReplicaSet', 'apps', 'v1', 'replicasets'),
  DaemonSet: kind('DaemonSet', 'apps', 'v1', 'daemonsets'),
  StatefulSet: kind('StatefulSet', 'apps', 'v1', 'statefulsets'),
  Job: kind('Job', 'batch', 'v1', 'jobs'),
  CronJob: kind('CronJob', 'batch', 'v1', 'cronjobs'),
} satisfies Record<string, ResourceKind>;

/** The name of a kind the views show. */
export type KindName = keyof typeof KINDS;

/** `/api/v1` or `/apis/apps/v1`. */
export function groupVersionPath(k: ResourceKind): string {
  return k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
}

/** The collection across namespaces (`/apis/apps/v1/deployments`), or one object's path when `name` is given. */
export function resourcePath(k: ResourceKind, namespace?: string, name?: string, subresource?: string): string {
  const ns = k.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const one = name ? `/${encodeURIComponent(name)}` : '';
  return `${groupVersionPath(k)}${ns}/${k.resource}${one}${subresource ? `/${subresource}` : ''}`;
}

/** `apps/v1` or `v1`: what an object's `apiVersion` says. */
export function apiVersionOf(k: ResourceKind): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}
