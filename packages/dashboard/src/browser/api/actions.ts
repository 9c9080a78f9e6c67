import type { Deployment, KubeObject, ReplicaSet } from '@flotilla/core';
import { type JsonPatchOperation, planRolloutUndo, selectorQuery, type UndoPlan } from '../model/rollout-undo.js';
import { type ApiClient, FIELD_MANAGER, PATCH_TYPES } from './api-client.js';
import { KINDS, type ResourceKind, resourcePath } from './resource-kinds.js';

/** The object an action works on. */
export interface Target {
  kind: ResourceKind;
  namespace?: string;
  name: string;
}

/**
 * The dashboard's writes, each the API call kubectl makes for the same
 * command, so the server validates and authorizes them as it would
 * kubectl's. Each rejects with the server's `ApiRefusal` unchanged.
 */
export class Actions {
  constructor(private readonly client: ApiClient) {}

  /** `kubectl scale`: the `scale` subresource (Deployments, ReplicaSets, StatefulSets). */
  scale(t: Target, replicas: number): Promise<unknown> {
    return this.client.request(
      'PATCH',
      resourcePath(t.kind, t.namespace, t.name, 'scale'),
      JSON.stringify({ spec: { replicas } }),
      PATCH_TYPES.merge,
    );
  }

  /** `kubectl rollout restart`: stamps the pod template so every pod is replaced. */
  restart(t: Target, now = new Date()): Promise<unknown> {
    const patch = {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString() } } } },
    };
    return this.client.request(
      'PATCH',
      resourcePath(t.kind, t.namespace, t.name),
      JSON.stringify(patch),
      PATCH_TYPES.strategic,
    );
  }

  /**
   * What `kubectl rollout undo deployment/<name>` would do: the Deployment
   * and the ReplicaSets its selector matches, read fresh, planned by
   * `planRolloutUndo`. Nothing is written.
   */
  async planUndo(t: Target): Promise<UndoPlan> {
    const deployment = await this.client.request<Deployment>('GET', resourcePath(t.kind, t.namespace, t.name));
    const selector = encodeURIComponent(selectorQuery(deployment.spec.selector));
    const sets = await this.client.request<{ items: ReplicaSet[] }>(
      'GET',
      `${resourcePath(KINDS.ReplicaSet, t.namespace)}?labelSelector=${selector}`,
    );
    return planRolloutUndo(deployment, sets.items);
  }

  /** Restores a revision: kubectl's JSON patch of the template and annotations (see `planUndo`). */
  undo(t: Target, patch: JsonPatchOperation[]): Promise<unknown> {
    return this.client.request(
      'PATCH',
      resourcePath(t.kind, t.namespace, t.name),
      JSON.stringify(patch),
      PATCH_TYPES.json,
    );
  }

  /**
   * `kubectl auth can-i`: asks the server (a SelfSubjectAccessReview)
   * whether the viewer may do `verb` on `resource`, and why not.
   */
  async canI(attributes: {
    verb: string;
    resource: string;
    subresource?: string;
    namespace?: string;
    name?: string;
  }): Promise<{ allowed: boolean; reason?: string }> {
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { group: '', ...attributes } },
    };
    const answer = await this.client.request<{ status?: { allowed?: boolean; reason?: string } }>(
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      JSON.stringify(review),
      'application/json',
    );
    return { allowed: answer.status?.allowed === true, reason: answer.status?.reason };
  }

  /** `kubectl cordon` / `uncordon`. */
  setUnschedulable(node: string, unschedulable: boolean, nodeKind: ResourceKind): Promise<unknown> {
    return this.client.request(
      'PATCH',
      resourcePath(nodeKind, undefined, node),
      JSON.stringify({ spec: { unschedulable } }),
      PATCH_TYPES.strategic,
    );
  }

  /** Asks the server to evict a pod (`POST pods/<name>/eviction`): a PodDisruptionBudget may refuse it with 429. */
  evict(namespace: string, name: string, podKind: ResourceKind): Promise<unknown> {
    const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } };
    return this.client.request(
      'POST',
      resourcePath(podKind, namespace, name, 'eviction'),
      JSON.stringify(eviction),
      'application/json',
    );
  }

  /** `kubectl delete` (background propagation, the server's default for most kinds). */
  delete(t: Target): Promise<unknown> {
    return this.client.request('DELETE', resourcePath(t.kind, t.namespace, t.name));
  }

  /** `kubectl get -o yaml`'s object: fetched fresh, not from the watch cache. */
  get(t: Target): Promise<KubeObject> {
    return this.client.request<KubeObject>('GET', resourcePath(t.kind, t.namespace, t.name));
  }

  /** `kubectl apply --server-side`: the edited manifest as an apply patch; `force` takes over conflicting fields. */
  apply(t: Target, manifest: string, force: boolean): Promise<KubeObject> {
    const query = `?fieldManager=${FIELD_MANAGER}${force ? '&force=true' : ''}`;
    return this.client.request<KubeObject>(
      'PATCH',
      resourcePath(t.kind, t.namespace, t.name) + query,
      manifest,
      PATCH_TYPES.apply,
    );
  }
}
