import {
  bool,
  int32,
  int64,
  intOrString,
  list,
  type ObjectSchema,
  obj,
  str,
  stringList,
  stringMap,
  time,
} from './field-schema.js';
import { conditionsSchema, labelSelectorSchema } from './meta-schema.js';
import { nodeSelectorSchema, resourceListSchema, resourceRequirementsSchema } from './pod-schema.js';

/** Schemas of the core/v1 kinds other than Pod, and of the kinds that share their shapes. */

/** A Service. */
export const serviceSchema: ObjectSchema = obj({
  spec: obj({
    selector: stringMap,
    ports: list(
      obj({ name: str, protocol: str, port: int32, targetPort: intOrString, nodePort: int32, appProtocol: str }),
    ),
    type: str,
    clusterIP: str,
    clusterIPs: stringList,
    externalIPs: stringList,
    externalName: str,
    sessionAffinity: str,
    sessionAffinityConfig: obj({ clientIP: obj({ timeoutSeconds: int32 }) }),
    externalTrafficPolicy: str,
    internalTrafficPolicy: str,
    healthCheckNodePort: int32,
    publishNotReadyAddresses: bool,
    loadBalancerIP: str,
    loadBalancerSourceRanges: stringList,
    ipFamilies: stringList,
    ipFamilyPolicy: str,
  }),
  status: obj({
    loadBalancer: obj({ ingress: list(obj({ ip: str, hostname: str })) }),
    conditions: conditionsSchema,
  }),
});

const objectReference = obj({
  kind: str,
  namespace: str,
  name: str,
  uid: str,
  apiVersion: str,
  resourceVersion: str,
  fieldPath: str,
});

const endpointAddress = obj({ ip: str, hostname: str, nodeName: str, targetRef: objectReference });

/** Endpoints. */
export const endpointsSchema: ObjectSchema = obj({
  subsets: list(
    obj({
      addresses: list(endpointAddress),
      notReadyAddresses: list(endpointAddress),
      ports: list(obj({ name: str, port: int32, protocol: str, appProtocol: str })),
    }),
  ),
});

/** An EndpointSlice. */
export const endpointSliceSchema: ObjectSchema = obj({
  addressType: str,
  endpoints: list(
    obj({
      addresses: stringList,
      conditions: obj({ ready: bool, serving: bool, terminating: bool }),
      hostname: str,
      nodeName: str,
      zone: str,
      targetRef: objectReference,
      hints: obj({ forZones: list(obj({ name: str })) }),
    }),
  ),
  ports: list(obj({ name: str, port: int32, protocol: str, appProtocol: str })),
});

/** A Namespace. */
export const namespaceSchema: ObjectSchema = obj({
  spec: obj({ finalizers: stringList }),
  status: obj({ phase: str, conditions: conditionsSchema }),
});

/** A Node. */
export const nodeSchema: ObjectSchema = obj({
  spec: obj({
    podCIDR: str,
    podCIDRs: stringList,
    providerID: str,
    unschedulable: bool,
    taints: list(obj({ key: str, value: str, effect: str, timeAdded: time })),
  }),
  status: obj({
    capacity: resourceListSchema,
    allocatable: resourceListSchema,
    phase: str,
    conditions: conditionsSchema,
    addresses: list(obj({ type: str, address: str })),
    daemonEndpoints: obj({ kubeletEndpoint: obj({ Port: int32 }) }),
    nodeInfo: stringMap,
    images: list(obj({ names: stringList, sizeBytes: int64 })),
  }),
});

/** A ConfigMap. */
export const configMapSchema: ObjectSchema = obj({ data: stringMap, binaryData: stringMap, immutable: bool });

/** A Secret. */
export const secretSchema: ObjectSchema = obj({ type: str, data: stringMap, stringData: stringMap, immutable: bool });

/** A ServiceAccount. */
export const serviceAccountSchema: ObjectSchema = obj({
  secrets: list(obj({ name: str })),
  automountServiceAccountToken: bool,
});

/** A PersistentVolume. */
export const persistentVolumeSchema: ObjectSchema = obj({
  spec: obj({
    capacity: resourceListSchema,
    accessModes: stringList,
    persistentVolumeReclaimPolicy: str,
    storageClassName: str,
    claimRef: objectReference,
    hostPath: obj({ path: str, type: str }),
    local: obj({ path: str }),
    nodeAffinity: obj({ required: nodeSelectorSchema }),
    volumeMode: str,
    mountOptions: stringList,
  }),
  status: obj({ phase: str, message: str, reason: str }),
});

/** A PersistentVolumeClaim's spec (also a StatefulSet's claim template's). */
export const persistentVolumeClaimSpecSchema: ObjectSchema = obj({
  accessModes: stringList,
  selector: labelSelectorSchema,
  resources: resourceRequirementsSchema,
  volumeName: str,
  storageClassName: str,
  volumeMode: str,
});

/** A PersistentVolumeClaim. */
export const persistentVolumeClaimSchema: ObjectSchema = obj({
  spec: persistentVolumeClaimSpecSchema,
  status: obj({
    phase: str,
    accessModes: stringList,
    capacity: resourceListSchema,
    conditions: conditionsSchema,
  }),
});

/** An Event. */
export const eventSchema: ObjectSchema = obj({
  involvedObject: objectReference,
  reason: str,
  message: str,
  type: str,
  source: obj({ component: str, host: str }),
  count: int32,
  firstTimestamp: time,
  lastTimestamp: time,
  eventTime: time,
  reportingComponent: str,
  reportingInstance: str,
  action: str,
});

/** A Lease. */
export const leaseSchema: ObjectSchema = obj({
  spec: obj({
    holderIdentity: str,
    leaseDurationSeconds: int32,
    acquireTime: time,
    renewTime: time,
    leaseTransitions: int32,
  }),
});

const policyRule = obj({
  apiGroups: stringList,
  resources: stringList,
  resourceNames: stringList,
  verbs: stringList,
  nonResourceURLs: stringList,
});
const subjects = list(obj({ kind: str, name: str, namespace: str, apiGroup: str }));

/** A Role or ClusterRole. */
export const roleSchema: ObjectSchema = obj({ rules: list(policyRule) });

/** A RoleBinding or ClusterRoleBinding. */
export const roleBindingSchema: ObjectSchema = obj({ subjects, roleRef: obj({ apiGroup: str, kind: str, name: str }) });
