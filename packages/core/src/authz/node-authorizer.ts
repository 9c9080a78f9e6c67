import type { ObjectCache } from '../informer/types.js';
import type { Pod } from '../model/core-v1.js';
import { nodeRules } from './bootstrap-policy.js';
import { allow, deny, noOpinion } from './decisions.js';
import { podReferences } from './pod-references.js';
import { ruleAllows } from './policy-rule.js';
import type { AuthorizationAttributes, AuthorizationDecision, Authorizer } from './types.js';

/** The group every node agent's identity is in. */
export const NODES_GROUP = 'system:nodes';
/** The prefix of a node agent's user name: `system:node:<node name>`. */
export const NODE_USER_PREFIX = 'system:node:';
/** The namespace of node heartbeat Leases. */
const NODE_LEASE_NAMESPACE = 'kube-node-lease';

const NODE_INDEX = 'node-authorizer.spec.nodeName';
const READ_VERBS = new Set(['get', 'list', 'watch']);
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete']);
const REFERENCED = new Set(['secrets', 'configmaps', 'persistentvolumeclaims']);

/** The node an identity speaks for, or `undefined` when it is not a node agent's. */
export function nodeNameOf(user: AuthorizationAttributes['user']): string | undefined {
  if (!user.groups.includes(NODES_GROUP) || !user.username.startsWith(NODE_USER_PREFIX)) return undefined;
  const name = user.username.slice(NODE_USER_PREFIX.length);
  return name || undefined;
}

/**
 * Kubernetes' Node authorizer (`--authorization-mode=Node`) with the write
 * limits of its NodeRestriction admission, from a pod cache. A node agent
 * (`system:node:<name>` in `system:nodes`):
 * - reads the pods bound to its node (get, and list/watch with the field
 *   selector `spec.nodeName=<name>`), writes their status and deletes them;
 * - gets the Secrets, ConfigMaps and PersistentVolumeClaims those pods use,
 *   and creates tokens (`serviceaccounts/token`) for the ServiceAccounts
 *   they run as;
 * - reads every Node, writes only its own Node (and its status) and its own
 *   Lease in `kube-node-lease`;
 * - beyond these objects, does what the `system:node` role grants
 *   (Kubernetes' NodeRules): reads Services, records Events, asks for
 *   access reviews.
 *
 * Writes to another node's Node, Lease or pods are denied outright (as
 * NodeRestriction refuses them whatever RBAC says); other requests, and
 * every request of users that are not node agents, get `NoOpinion`.
 */
export class NodeAuthorizer implements Authorizer {
  constructor(private readonly pods: ObjectCache<Pod>) {
    pods.addIndexer(NODE_INDEX, (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []));
  }

  authorize(a: AuthorizationAttributes): AuthorizationDecision {
    const node = nodeNameOf(a.user);
    if (node === undefined || !a.resourceRequest) return noOpinion();
    if (a.apiGroup === '' && REFERENCED.has(a.resource) && a.subresource === '') return this.referenced(node, a);
    if (a.apiGroup === '' && a.resource === 'pods') return this.pod(node, a);
    if (a.apiGroup === '' && a.resource === 'serviceaccounts') return this.token(node, a);
    if (a.apiGroup === '' && a.resource === 'nodes') {
      if (READ_VERBS.has(a.verb) && a.subresource === '') return allow('');
      // A create is authorized without a name (the body is not seen here): NodeRestriction's name check is admission's.
      if (a.verb === 'create' && a.name === '' && a.subresource === '') return allow('');
      if (WRITE_VERBS.has(a.verb) && (a.subresource === '' || a.subresource === 'status')) {
        return a.name === node ? allow('') : deny(`node "${node}" is not allowed to modify node "${a.name}"`);
      }
      return noOpinion();
    }
    if (a.apiGroup === 'coordination.k8s.io' && a.resource === 'leases') {
      if (a.namespace !== NODE_LEASE_NAMESPACE) {
        return noOpinion(`can only access leases in the ${NODE_LEASE_NAMESPACE} namespace`);
      }
      if (a.name === node && (READ_VERBS.has(a.verb) || WRITE_VERBS.has(a.verb))) return allow('');
      // A create is authorized without a name; the lease name is checked by admission in Kubernetes.
      if (a.verb === 'create' && a.name === '') return allow('');
      return WRITE_VERBS.has(a.verb) ? deny(`node "${node}" can only access its own lease`) : noOpinion();
    }
    // Beyond its graph, a node may do what the system:node role grants (Kubernetes' NodeRules): read services, ...
    return nodeRules.some((rule) => ruleAllows(a, rule)) ? allow('') : noOpinion();
  }

  private pod(node: string, a: AuthorizationAttributes): AuthorizationDecision {
    if (a.name === '') {
      const selects = a.fieldSelector?.split(',').some((term) => term.trim() === `spec.nodeName=${node}`) ?? false;
      return (a.verb === 'list' || a.verb === 'watch') && a.subresource === '' && selects
        ? allow('')
        : noOpinion(`node "${node}" can only list or watch pods with fieldSelector spec.nodeName=${node}`);
    }
    const bound = this.pods.get(a.namespace, a.name)?.spec?.nodeName === node;
    const permitted =
      (a.subresource === '' && (a.verb === 'get' || a.verb === 'delete')) ||
      (a.subresource === 'status' && ['get', 'update', 'patch'].includes(a.verb));
    if (!permitted) return noOpinion();
    if (bound) return allow('');
    return a.verb === 'get' ? noOpinion(noRelationship(node)) : deny(noRelationship(node));
  }

  /** A TokenRequest for a ServiceAccount that a pod bound to the node runs as (the graph's pod -> account edge). */
  private token(node: string, a: AuthorizationAttributes): AuthorizationDecision {
    if (a.verb !== 'create' || a.subresource !== 'token' || a.name === '') {
      return noOpinion('can only create tokens for individual service accounts');
    }
    const used = this.pods
      .byIndex(NODE_INDEX, node)
      .some((pod) => pod.metadata.namespace === a.namespace && pod.spec?.serviceAccountName === a.name);
    return used ? allow('') : noOpinion(noRelationship(node));
  }

  private referenced(node: string, a: AuthorizationAttributes): AuthorizationDecision {
    if (a.verb !== 'get' || a.name === '') {
      return noOpinion(`can only get individual resources of this type`);
    }
    const resource = a.resource as 'secrets' | 'configmaps' | 'persistentvolumeclaims';
    const used = this.pods
      .byIndex(NODE_INDEX, node)
      .some((pod) => pod.metadata.namespace === a.namespace && podReferences(pod)[resource].has(a.name));
    return used ? allow('') : noOpinion(noRelationship(node));
  }
}

/** Kubernetes' reason: `no relationship found between node 'n' and this object`. */
const noRelationship = (node: string) => `no relationship found between node '${node}' and this object`;
