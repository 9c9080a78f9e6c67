import type { KubeObject } from '../../../src/model/meta.js';

/** The namespace every namespaced fuzz object lives in. */
export const FUZZ_NAMESPACE = 'default';

const labels = { app: 'web' };
const podSpec = { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] };
const template = { metadata: { labels }, spec: podSpec };
const jobTemplate = { spec: { ...podSpec, restartPolicy: 'Never' } };

/**
 * One valid object per built-in kind, without apiVersion, kind and
 * metadata (the fuzz adds them): the starting point that each fuzz case
 * breaks in one field. Kinds missing here start from bare metadata.
 */
export const validBodies: Readonly<Record<string, Record<string, unknown>>> = {
  Namespace: {},
  Pod: { spec: podSpec },
  Node: { spec: { podCIDR: '10.244.1.0/24' }, status: { capacity: { cpu: '4', memory: '8Gi', pods: 110 } } },
  Service: { spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
  Endpoints: { subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ name: 'http', port: 8080 }] }] },
  EndpointSlice: {
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true } }],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  },
  ReplicaSet: { spec: { replicas: 2, selector: { matchLabels: labels }, template } },
  ReplicationController: { spec: { replicas: 2, selector: labels, template } },
  Deployment: { spec: { replicas: 2, selector: { matchLabels: labels }, template } },
  DaemonSet: { spec: { selector: { matchLabels: labels }, template } },
  StatefulSet: { spec: { replicas: 1, serviceName: 'web', selector: { matchLabels: labels }, template } },
  Job: { spec: { template: jobTemplate } },
  CronJob: { spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: jobTemplate } } } },
  HorizontalPodAutoscaler: {
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 },
  },
  ConfigMap: { data: { 'app.conf': 'x=1' }, binaryData: { blob: 'AAEC' } },
  Secret: { type: 'Opaque', data: { password: 'aHVudGVyMg==' } },
  ServiceAccount: {},
  PersistentVolume: {
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } },
  },
  PersistentVolumeClaim: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
  Lease: { spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } },
  Event: {
    involvedObject: { kind: 'Pod', namespace: FUZZ_NAMESPACE, name: 'web' },
    reason: 'Started',
    message: 'started',
    type: 'Normal',
  },
  Role: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
  ClusterRole: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
  RoleBinding: {
    subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
  },
  ControllerRevision: { data: { spec: { template } }, revision: 1 },
  PodDisruptionBudget: { spec: { minAvailable: 1, selector: { matchLabels: labels } } },
  NetworkPolicy: {
    spec: { podSelector: { matchLabels: labels }, ingress: [{ ports: [{ protocol: 'TCP', port: 80 }] }] },
  },
  Ingress: {
    spec: {
      rules: [
        {
          host: 'web.example.com',
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
          },
        },
      ],
    },
  },
  IngressClass: { spec: { controller: 'example.com/ingress' } },
  StorageClass: { provisioner: 'example.com/hostpath', reclaimPolicy: 'Delete' },
  CustomResourceDefinition: {
    spec: {
      group: 'example.com',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } },
        },
      ],
    },
  },
  ClusterRoleBinding: {
    subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
  },
};

/**
 * A complete valid object of `kind` named after `name` (a
 * CustomResourceDefinition must be named `<plural>.<group>`, so its plural is
 * made from `name`).
 */
export function validObject(kind: string, apiVersion: string, namespaced: boolean, name: string): KubeObject {
  const body = structuredClone(validBodies[kind] ?? {});
  let objectName = name;
  if (kind === 'CustomResourceDefinition') {
    const spec = body.spec as { group: string; names: unknown };
    const plural = name.replace(/[^a-z0-9]/g, '');
    spec.names = { plural, kind: 'Widget' };
    objectName = `${plural}.${spec.group}`;
  }
  const metadata = namespaced ? { name: objectName, namespace: FUZZ_NAMESPACE, labels } : { name: objectName, labels };
  return { apiVersion, kind, metadata, ...body } as KubeObject;
}
