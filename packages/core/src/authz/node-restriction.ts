import type { AdmissionHook, AdmissionRequest } from '../api/types.js';
import { ForbiddenError } from '../errors/api-errors.js';
import type { Pod } from '../model/core-v1.js';
import { nodeNameOf } from './node-authorizer.js';

/** The annotation that marks a mirror pod, the only pods a node may create. */
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/**
 * Kubernetes' NodeRestriction admission: a node agent (`system:node:<name>`
 * in `system:nodes`) may create, change or delete only its own Node and its
 * own Lease in `kube-node-lease` (no Lease elsewhere), and create only
 * mirror pods bound to itself. The Node authorizer decides before the
 * object is known, so a create naming another node passes it and is
 * refused here. Writes of other users, and of the Api's trusted callers,
 * are not looked at.
 */
export function nodeRestrictionAdmission(): AdmissionHook {
  return {
    name: 'NodeRestriction',
    kinds: ['Node', 'Lease', 'Pod'],
    admit(req: AdmissionRequest) {
      const node = req.userInfo ? nodeNameOf(req.userInfo) : undefined;
      if (node === undefined) return;
      const name = req.object.metadata.name;
      if (req.kind === 'Node' && name !== node) {
        throw new ForbiddenError(`node "${node}" is not allowed to modify node "${name}"`);
      }
      if (req.kind === 'Lease') admitNodeLease(node, req.object.metadata.namespace, name);
      if (req.kind === 'Pod' && req.operation === 'CREATE') admitMirrorPod(node, req.object as Pod);
    },
  };
}

function admitNodeLease(node: string, namespace: string | undefined, name: string): void {
  if (namespace !== NODE_LEASE_NAMESPACE) {
    throw new ForbiddenError(`can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
  }
  if (name !== node) throw new ForbiddenError('can only access node lease with the same name as the requesting node');
}

function admitMirrorPod(node: string, pod: Pod): void {
  if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] === undefined) {
    throw new ForbiddenError(
      `pod does not have "${MIRROR_POD_ANNOTATION}" annotation, node "${node}" can only create mirror pods`,
    );
  }
  if (pod.spec?.nodeName !== node) {
    throw new ForbiddenError(`node "${node}" can only create pods with spec.nodeName set to itself`);
  }
}
