import { describe, it } from 'vitest';
import type { HorizontalPodAutoscaler } from '../../src/model/autoscaling-v2.js';
import type { Lease } from '../../src/model/coordination-v1.js';
import type {
  ConfigMap,
  Endpoints,
  Event,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Secret,
} from '../../src/model/core-v1.js';
import type { EndpointSlice } from '../../src/model/discovery-v1.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../src/model/rbac-v1.js';
import { validateHorizontalPodAutoscaler } from '../../src/validation/autoscaling.js';
import { validateNamespace, validateNode } from '../../src/validation/cluster.js';
import { validateConfigMap, validateSecret } from '../../src/validation/config.js';
import { validateLease } from '../../src/validation/coordination.js';
import { validateEndpointSlice, validateEndpoints } from '../../src/validation/discovery.js';
import { validateEvent } from '../../src/validation/events.js';
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateRole,
  validateRoleBinding,
} from '../../src/validation/rbac.js';
import { validatePersistentVolume, validatePersistentVolumeClaim } from '../../src/validation/storage.js';
import { expectFieldErrors, show } from './expect-field-errors.js';

const meta = { name: 'x', namespace: 'default' };
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Each row: a valid-or-not object, the validator, and the expected message prefixes (empty = valid). */
type Row = [string, () => string[], string[]];
const check = (rows: Row[]) =>
  it.each(rows)('%s', (_, run, expected) => {
    expectFieldErrors(run(), expected);
  });

const cm = (data: Record<string, string>, extra: Partial<ConfigMap> = {}): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: meta,
  data,
  ...extra,
});
const secret = (data: Record<string, string>, extra: Partial<Secret> = {}): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: meta,
  type: 'Opaque',
  data,
  ...extra,
});

describe('ConfigMap and Secret', () => {
  check([
    ['a valid ConfigMap', () => show(validateConfigMap(cm({ 'app.conf': 'x=1', KEY_2: '' }))), []],
    [
      'a key with a slash',
      () => show(validateConfigMap(cm({ 'a/b': 'x' }))),
      ['data: Invalid value: "a/b": a valid config key must consist of'],
    ],
    [
      'a dot-dot key',
      () => show(validateConfigMap(cm({ '..': 'x' }))),
      ['data: Invalid value: "..": must not be \'..\''],
    ],
    [
      'a key starting with ..',
      () => show(validateConfigMap(cm({ '..data': 'x' }))),
      ['data: Invalid value: "..data": must not start with \'..\''],
    ],
    [
      'a key in both data and binaryData',
      () => show(validateConfigMap(cm({ a: 'x' }, { binaryData: { a: b64('y') } }))),
      ['binaryData: Invalid value: "a": duplicate of key present in data'],
    ],
    [
      'over 1 MiB',
      () => show(validateConfigMap(cm({ big: 'x'.repeat(1024 * 1024 + 1) }))),
      ['data: Too long: must have at most 1048576 bytes'],
    ],
    [
      'a change to an immutable ConfigMap',
      () => show(validateConfigMap(cm({ a: '2' }, { immutable: true }), cm({ a: '1' }, { immutable: true }))),
      ['data: Forbidden: field is immutable when `immutable` is set'],
    ],
    ['a valid Secret', () => show(validateSecret(secret({ password: b64('hunter2') }))), []],
    [
      'a Secret value not in base64',
      () => show(validateSecret(secret({ password: 'hunter2!' }))),
      ['data[password]: Invalid value: "<value omitted>": must be valid base64'],
    ],
    [
      'a Secret type change',
      () => show(validateSecret(secret({}, { type: 'kubernetes.io/tls' }), secret({}))),
      ['type: Invalid value: "kubernetes.io/tls": field is immutable'],
    ],
  ]);
});

describe('Namespace and Node', () => {
  const ns = (spec: Namespace['spec'], status?: Namespace['status']): Namespace => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team' },
    spec,
    status,
  });
  const node = (spec: Node['spec'], status?: Node['status']): Node => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1' },
    spec,
    status,
  });
  check([
    ['a valid Namespace', () => show(validateNamespace(ns({ finalizers: ['kubernetes'] }, { phase: 'Active' }))), []],
    [
      'a bad finalizer',
      () => show(validateNamespace(ns({ finalizers: ['no good'] }))),
      ['spec.finalizers[0]: Invalid value: "no good"'],
    ],
    [
      'a bad phase',
      () => show(validateNamespace(ns({}, { phase: 'Gone' as 'Active' }))),
      ['status.phase: Unsupported value: "Gone"'],
    ],
    [
      'a valid Node',
      () =>
        show(
          validateNode(
            node(
              { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
              { capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
            ),
          ),
        ),
      [],
    ],
    [
      'a taint without an effect',
      () => show(validateNode(node({ taints: [{ key: 'k', effect: '' as 'NoSchedule' }] }))),
      ['spec.taints[0].effect: Required value'],
    ],
    [
      'duplicate taints',
      () =>
        show(
          validateNode(
            node({
              taints: [
                { key: 'k', effect: 'NoSchedule' },
                { key: 'k', value: 'v', effect: 'NoSchedule' },
              ],
            }),
          ),
        ),
      ['spec.taints[1]: Duplicate value: "k:NoSchedule"'],
    ],
    [
      'a bad capacity',
      () => show(validateNode(node({}, { capacity: { cpu: 'four' } }))),
      ['status.capacity[cpu]: Invalid value: "four"'],
    ],
  ]);
});

describe('PersistentVolume and PersistentVolumeClaim', () => {
  const pv = (spec: Partial<PersistentVolume['spec']>): PersistentVolume => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv1' },
    spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' }, ...spec },
  });
  const pvc = (spec: Partial<PersistentVolumeClaim['spec']>): PersistentVolumeClaim => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta,
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  });
  check([
    ['a valid PV', () => show(validatePersistentVolume(pv({}))), []],
    [
      'a PV without capacity',
      () => show(validatePersistentVolume(pv({ capacity: {} }))),
      ['spec.capacity[storage]: Required value'],
    ],
    [
      'a PV without access modes',
      () => show(validatePersistentVolume(pv({ accessModes: [] }))),
      ['spec.accessModes: Required value'],
    ],
    [
      'a bad access mode',
      () => show(validatePersistentVolume(pv({ accessModes: ['ReadSometimes' as 'ReadWriteOnce'] }))),
      ['spec.accessModes[0]: Unsupported value: "ReadSometimes"'],
    ],
    [
      'a PV without a source',
      () => show(validatePersistentVolume(pv({ hostPath: undefined }))),
      ['spec: Required value: must specify a volume type'],
    ],
    [
      'a PV with two sources',
      () => show(validatePersistentVolume(pv({ local: { path: '/mnt' } }))),
      ['spec.local: Forbidden: may not specify more than 1 volume type'],
    ],
    [
      'a bad reclaim policy',
      () => show(validatePersistentVolume(pv({ persistentVolumeReclaimPolicy: 'Keep' as 'Retain' }))),
      ['spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep"'],
    ],
    ['a valid PVC', () => show(validatePersistentVolumeClaim(pvc({}))), []],
    [
      'a PVC without a storage request',
      () => show(validatePersistentVolumeClaim(pvc({ resources: {} }))),
      ['spec.resources[storage]: Required value'],
    ],
    [
      'a PVC with a bad size',
      () => show(validatePersistentVolumeClaim(pvc({ resources: { requests: { storage: '1 GB' } } }))),
      ['spec.resources.requests[storage]: Invalid value: "1 GB"'],
    ],
    [
      'RWOP mixed with others',
      () => show(validatePersistentVolumeClaim(pvc({ accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'] }))),
      ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes'],
    ],
  ]);
});

describe('EndpointSlice and Endpoints', () => {
  const slice = (extra: Partial<EndpointSlice>): EndpointSlice => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: meta,
    addressType: 'IPv4',
    endpoints: [{ addresses: ['198.18.0.5'], conditions: { ready: true }, nodeName: 'n1' }],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    ...extra,
  });
  check([
    ['a valid slice', () => show(validateEndpointSlice(slice({}))), []],
    [
      'a bad address type',
      () => show(validateEndpointSlice(slice({ addressType: 'IPX' as 'IPv4' }))),
      ['addressType: Unsupported value: "IPX"'],
    ],
    [
      'an address of the wrong type',
      () => show(validateEndpointSlice(slice({ endpoints: [{ addresses: ['fd00::1'] }] }))),
      ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address'],
    ],
    [
      'an endpoint without addresses',
      () => show(validateEndpointSlice(slice({ endpoints: [{ addresses: [] }] }))),
      ['endpoints[0].addresses: Required value'],
    ],
    [
      'a changed address type',
      () => show(validateEndpointSlice(slice({ addressType: 'IPv6', endpoints: [] }), slice({}))),
      ['addressType: Invalid value: "IPv6": field is immutable'],
    ],
    [
      'a bad port',
      () => show(validateEndpointSlice(slice({ ports: [{ port: 0 }] }))),
      ['ports[0].port: Invalid value: 0'],
    ],
    [
      'valid Endpoints',
      () =>
        show(
          validateEndpoints({
            apiVersion: 'v1',
            kind: 'Endpoints',
            metadata: meta,
            subsets: [{ addresses: [{ ip: '198.18.0.5' }], ports: [{ port: 80 }] }],
          } as Endpoints),
        ),
      [],
    ],
    [
      'Endpoints with a bad IP',
      () =>
        show(
          validateEndpoints({
            apiVersion: 'v1',
            kind: 'Endpoints',
            metadata: meta,
            subsets: [{ addresses: [{ ip: 'localhost' }] }],
          } as Endpoints),
        ),
      ['subsets[0].addresses[0].ip: Invalid value: "localhost"'],
    ],
  ]);
});

describe('HorizontalPodAutoscaler', () => {
  const hpa = (spec: Partial<HorizontalPodAutoscaler['spec']>): HorizontalPodAutoscaler => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      ...spec,
    },
  });
  check([
    [
      'a valid HPA',
      () =>
        show(
          validateHorizontalPodAutoscaler(
            hpa({
              metrics: [
                {
                  type: 'Resource',
                  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
                },
                {
                  type: 'Pods',
                  pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '100' } },
                },
              ],
            }),
          ),
        ),
      [],
    ],
    [
      'min above max',
      () => show(validateHorizontalPodAutoscaler(hpa({ minReplicas: 6 }))),
      ['spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`'],
    ],
    [
      'minReplicas 0',
      () => show(validateHorizontalPodAutoscaler(hpa({ minReplicas: 0 }))),
      ['spec.minReplicas: Invalid value: 0: must be greater than or equal to 1'],
    ],
    [
      'maxReplicas 0',
      () => show(validateHorizontalPodAutoscaler(hpa({ minReplicas: undefined, maxReplicas: 0 }))),
      [
        'spec.maxReplicas: Invalid value: 0: must be greater than zero',
        'spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`',
      ],
    ],
    [
      'no target name',
      () => show(validateHorizontalPodAutoscaler(hpa({ scaleTargetRef: { kind: 'Deployment', name: '' } }))),
      ['spec.scaleTargetRef.name: Required value'],
    ],
    [
      'Utilization without a value',
      () =>
        show(
          validateHorizontalPodAutoscaler(
            hpa({ metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }] }),
          ),
        ),
      ['spec.metrics[0].resource.target.averageUtilization: Required value'],
    ],
    [
      'a bad average value',
      () =>
        show(
          validateHorizontalPodAutoscaler(
            hpa({
              metrics: [
                {
                  type: 'Pods',
                  pods: { metric: { name: 'q' }, target: { type: 'AverageValue', averageValue: 'lots' } },
                },
              ],
            }),
          ),
        ),
      ['spec.metrics[0].pods.target.averageValue: Invalid value: "lots": must be a valid quantity'],
    ],
  ]);
});

describe('Lease and Event', () => {
  const lease = (spec: Lease['spec']): Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: meta,
    spec,
  });
  const event = (extra: Partial<Event>): Event => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: meta,
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
    reason: 'Scheduled',
    type: 'Normal',
    ...extra,
  });
  check([
    [
      'a valid Lease',
      () => show(validateLease(lease({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 }))),
      [],
    ],
    [
      'a zero duration',
      () => show(validateLease(lease({ leaseDurationSeconds: 0 }))),
      ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than zero'],
    ],
    ['a valid Event', () => show(validateEvent(event({}))), []],
    [
      'an Event about another namespace',
      () => show(validateEvent(event({ involvedObject: { kind: 'Pod', name: 'w', namespace: 'other' } }))),
      ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'],
    ],
    [
      'a bad Event type',
      () => show(validateEvent(event({ type: 'Info' as 'Normal' }))),
      ['type: Unsupported value: "Info"'],
    ],
  ]);
});

describe('RBAC', () => {
  const role = (rules: Role['rules']): Role => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: meta,
    rules,
  });
  const rb = (extra: Partial<RoleBinding>): RoleBinding => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
    ...extra,
  });
  const crb = (extra: Partial<ClusterRoleBinding>): ClusterRoleBinding => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'x' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }],
    ...extra,
  });
  check([
    [
      'a valid Role',
      () => show(validateRole(role([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]))),
      [],
    ],
    [
      'a rule without verbs',
      () => show(validateRole(role([{ apiGroups: [''], resources: ['pods'], verbs: [] }]))),
      ['rules[0].verbs: Required value: verbs must contain at least one value'],
    ],
    [
      'a rule without api groups',
      () => show(validateRole(role([{ resources: ['pods'], verbs: ['get'] }]))),
      ['rules[0].apiGroups: Required value'],
    ],
    [
      'non-resource URLs in a Role',
      () => show(validateRole(role([{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]))),
      ['rules[0].nonResourceURLs: Invalid value'],
    ],
    [
      'non-resource URLs in a ClusterRole',
      () =>
        show(
          validateClusterRole({
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRole',
            metadata: { name: 'x' },
            rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }],
          } as ClusterRole),
        ),
      [],
    ],
    ['a valid RoleBinding', () => show(validateRoleBinding(rb({}))), []],
    [
      'a changed roleRef',
      () =>
        show(
          validateRoleBinding(
            rb({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'writer' } }),
            rb({}),
          ),
        ),
      ['roleRef: Forbidden: cannot change roleRef'],
    ],
    [
      'a bad subject kind',
      () => show(validateRoleBinding(rb({ subjects: [{ kind: 'Robot' as 'User', name: 'r' }] }))),
      ['subjects[0].kind: Unsupported value: "Robot"'],
    ],
    ['a valid ClusterRoleBinding', () => show(validateClusterRoleBinding(crb({}))), []],
    [
      'a roleRef to a Kubernetes system role',
      () =>
        show(
          validateClusterRoleBinding(
            crb({
              roleRef: {
                apiGroup: 'rbac.authorization.k8s.io',
                kind: 'ClusterRole',
                name: 'system:controller:deployment-controller',
              },
            }),
          ),
        ),
      [],
    ],
    [
      'a roleRef name that is not a path segment',
      () =>
        show(
          validateClusterRoleBinding(
            crb({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: '../admin' } }),
          ),
        ),
      [`roleRef.name: Invalid value: "../admin": may not contain '/'`],
    ],
    [
      'a service account without namespace in a ClusterRoleBinding',
      () => show(validateClusterRoleBinding(crb({ subjects: [{ kind: 'ServiceAccount', name: 'sa' }] }))),
      ['subjects[0].namespace: Required value'],
    ],
    [
      'a Role ref in a ClusterRoleBinding',
      () =>
        show(
          validateClusterRoleBinding(
            crb({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role' as 'ClusterRole', name: 'r' } }),
          ),
        ),
      ['roleRef.kind: Unsupported value: "Role"'],
    ],
  ]);
});
