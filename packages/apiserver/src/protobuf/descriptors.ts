import protobuf from 'protobufjs';
import { coreV1Proto } from './core-proto.js';
import {
  appsV1Proto,
  authenticationV1Proto,
  authorizationV1Proto,
  autoscalingV1Proto,
  batchV1Proto,
  networkingV1Proto,
  policyV1Proto,
  rbacV1Proto,
  schedulingV1Proto,
} from './group-proto.js';
import { intstrProto, metaProto, metaV1Proto, quantityProto } from './meta-proto.js';

/** `apiVersion kind` of every kind with a descriptor, and its message's full name. */
const messages: Record<string, string> = {
  'v1 Namespace': 'k8s.io.api.core.v1.Namespace',
  'v1 ConfigMap': 'k8s.io.api.core.v1.ConfigMap',
  'v1 Secret': 'k8s.io.api.core.v1.Secret',
  'v1 Service': 'k8s.io.api.core.v1.Service',
  'v1 ServiceAccount': 'k8s.io.api.core.v1.ServiceAccount',
  'v1 ResourceQuota': 'k8s.io.api.core.v1.ResourceQuota',
  'apps/v1 Deployment': 'k8s.io.api.apps.v1.Deployment',
  'batch/v1 Job': 'k8s.io.api.batch.v1.Job',
  'batch/v1 CronJob': 'k8s.io.api.batch.v1.CronJob',
  'rbac.authorization.k8s.io/v1 Role': 'k8s.io.api.rbac.v1.Role',
  'rbac.authorization.k8s.io/v1 RoleBinding': 'k8s.io.api.rbac.v1.RoleBinding',
  'rbac.authorization.k8s.io/v1 ClusterRole': 'k8s.io.api.rbac.v1.ClusterRole',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': 'k8s.io.api.rbac.v1.ClusterRoleBinding',
  'policy/v1 PodDisruptionBudget': 'k8s.io.api.policy.v1.PodDisruptionBudget',
  'scheduling.k8s.io/v1 PriorityClass': 'k8s.io.api.scheduling.v1.PriorityClass',
  'networking.k8s.io/v1 Ingress': 'k8s.io.api.networking.v1.Ingress',
  'authentication.k8s.io/v1 TokenRequest': 'k8s.io.api.authentication.v1.TokenRequest',
  'authorization.k8s.io/v1 SelfSubjectAccessReview': 'k8s.io.api.authorization.v1.SelfSubjectAccessReview',
  'authorization.k8s.io/v1 SubjectAccessReview': 'k8s.io.api.authorization.v1.SubjectAccessReview',
  'authorization.k8s.io/v1 SelfSubjectRulesReview': 'k8s.io.api.authorization.v1.SelfSubjectRulesReview',
  'autoscaling/v1 HorizontalPodAutoscaler': 'k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler',
};

let root: protobuf.Root | undefined;

/** The descriptors, parsed once on first use. */
export function descriptorRoot(): protobuf.Root {
  if (!root) {
    const built = new protobuf.Root();
    const sources = [metaProto, intstrProto, quantityProto, metaV1Proto, coreV1Proto, appsV1Proto, batchV1Proto];
    sources.push(rbacV1Proto, policyV1Proto, schedulingV1Proto, networkingV1Proto, authenticationV1Proto);
    sources.push(autoscalingV1Proto, authorizationV1Proto);
    for (const source of sources) protobuf.parse(source, built, { keepCase: true });
    built.resolveAll();
    root = built;
  }
  return root;
}

/** The message type of a kind, if it has a descriptor. */
export function messageTypeOf(apiVersion: string, kind: string): protobuf.Type | undefined {
  const name = messages[`${apiVersion} ${kind}`];
  return name ? descriptorRoot().lookupType(name) : undefined;
}

/** Every kind with a descriptor, as `{ apiVersion, kind }`. */
export function protobufKinds(): { apiVersion: string; kind: string }[] {
  return Object.keys(messages).map((key) => {
    const [apiVersion, kind] = key.split(' ');
    return { apiVersion, kind };
  });
}
