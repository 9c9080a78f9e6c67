import {
  anyObject,
  bool,
  int32,
  int64,
  intOrString,
  list,
  mapOf,
  type ObjectSchema,
  obj,
  quantity,
  str,
  stringList,
  stringMap,
  time,
} from './field-schema.js';
import { conditionsSchema, labelSelectorSchema, objectMetaSchema } from './meta-schema.js';

/** A `ResourceList`: resource name to quantity. */
export const resourceListSchema: ObjectSchema = mapOf(quantity);

const keyRef = obj({ name: str, key: str, optional: bool });
const named = obj({ name: str, optional: bool });

const envVar = obj({
  name: str,
  value: str,
  valueFrom: obj({
    fieldRef: obj({ fieldPath: str, apiVersion: str }),
    resourceFieldRef: obj({ resource: str, containerName: str, divisor: quantity }),
    configMapKeyRef: keyRef,
    secretKeyRef: keyRef,
  }),
});

const handlerFields = {
  exec: obj({ command: stringList }),
  httpGet: obj({
    path: str,
    port: intOrString,
    host: str,
    scheme: str,
    httpHeaders: list(obj({ name: str, value: str })),
  }),
  tcpSocket: obj({ port: intOrString, host: str }),
  grpc: obj({ port: int32, service: str }),
};

const probe = obj({
  ...handlerFields,
  initialDelaySeconds: int32,
  periodSeconds: int32,
  timeoutSeconds: int32,
  successThreshold: int32,
  failureThreshold: int32,
  terminationGracePeriodSeconds: int64,
});

/** `resources` of a container or a claim. */
export const resourceRequirementsSchema: ObjectSchema = obj({
  requests: resourceListSchema,
  limits: resourceListSchema,
});

const container = obj({
  name: str,
  image: str,
  command: stringList,
  args: stringList,
  workingDir: str,
  ports: list(obj({ name: str, containerPort: int32, hostPort: int32, hostIP: str, protocol: str })),
  env: list(envVar),
  envFrom: list(obj({ prefix: str, configMapRef: named, secretRef: named })),
  resources: resourceRequirementsSchema,
  volumeMounts: list(obj({ name: str, mountPath: str, readOnly: bool, subPath: str })),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle: obj({ postStart: obj(handlerFields), preStop: obj({ ...handlerFields, sleep: obj({ seconds: int64 }) }) }),
  imagePullPolicy: str,
  terminationMessagePath: str,
  restartPolicy: str,
  securityContext: anyObject,
  stdin: bool,
  tty: bool,
});

const keyToPath = list(obj({ key: str, path: str, mode: int32 }));

const volume = obj({
  name: str,
  emptyDir: obj({ medium: str, sizeLimit: quantity }),
  hostPath: obj({ path: str, type: str }),
  configMap: obj({ name: str, items: keyToPath, optional: bool, defaultMode: int32 }),
  secret: obj({ secretName: str, items: keyToPath, optional: bool, defaultMode: int32 }),
  persistentVolumeClaim: obj({ claimName: str, readOnly: bool }),
  downwardAPI: obj({ items: list(obj({ path: str, fieldRef: obj({ fieldPath: str }) })) }),
  projected: anyObject,
});

const nodeSelectorRequirement = obj({ key: str, operator: str, values: stringList });

/** A node selector term (`matchExpressions`, `matchFields`). */
export const nodeSelectorTermSchema: ObjectSchema = obj({
  matchExpressions: list(nodeSelectorRequirement),
  matchFields: list(nodeSelectorRequirement),
});

/** `{ nodeSelectorTerms: [...] }`, as node affinity and a PV's node affinity hold it. */
export const nodeSelectorSchema: ObjectSchema = obj({ nodeSelectorTerms: list(nodeSelectorTermSchema) });

const podAffinityTerm = obj({
  labelSelector: labelSelectorSchema,
  namespaces: stringList,
  namespaceSelector: labelSelectorSchema,
  topologyKey: str,
  matchLabelKeys: stringList,
  mismatchLabelKeys: stringList,
});

const podAffinity = obj({
  requiredDuringSchedulingIgnoredDuringExecution: list(podAffinityTerm),
  preferredDuringSchedulingIgnoredDuringExecution: list(obj({ weight: int32, podAffinityTerm })),
});

const affinity = obj({
  nodeAffinity: obj({
    requiredDuringSchedulingIgnoredDuringExecution: nodeSelectorSchema,
    preferredDuringSchedulingIgnoredDuringExecution: list(obj({ weight: int32, preference: nodeSelectorTermSchema })),
  }),
  podAffinity,
  podAntiAffinity: podAffinity,
});

/** `PodSpec`: every field defaulting, validation, the scheduler and the node agent read. */
export const podSpecSchema: ObjectSchema = obj({
  containers: list(container),
  initContainers: list(container),
  volumes: list(volume),
  restartPolicy: str,
  terminationGracePeriodSeconds: int64,
  activeDeadlineSeconds: int64,
  nodeName: str,
  nodeSelector: stringMap,
  affinity,
  tolerations: list(obj({ key: str, operator: str, value: str, effect: str, tolerationSeconds: int64 })),
  schedulerName: str,
  priority: int32,
  priorityClassName: str,
  preemptionPolicy: str,
  topologySpreadConstraints: list(
    obj({
      maxSkew: int32,
      topologyKey: str,
      whenUnsatisfiable: str,
      labelSelector: labelSelectorSchema,
      minDomains: int32,
      matchLabelKeys: stringList,
      nodeAffinityPolicy: str,
      nodeTaintsPolicy: str,
    }),
  ),
  serviceAccountName: str,
  automountServiceAccountToken: bool,
  hostname: str,
  subdomain: str,
  hostNetwork: bool,
  dnsPolicy: str,
  enableServiceLinks: bool,
  overhead: resourceListSchema,
  imagePullSecrets: list(obj({ name: str })),
  securityContext: anyObject,
});

const containerState = obj({
  waiting: obj({ reason: str, message: str }),
  running: obj({ startedAt: time }),
  terminated: obj({
    exitCode: int32,
    signal: int32,
    reason: str,
    message: str,
    startedAt: time,
    finishedAt: time,
    containerID: str,
  }),
});

const containerStatus = obj({
  name: str,
  state: containerState,
  lastState: containerState,
  ready: bool,
  started: bool,
  restartCount: int32,
  image: str,
  imageID: str,
  containerID: str,
});

const podIPs = list(obj({ ip: str }));

/** A Pod. */
export const podSchema: ObjectSchema = obj({
  spec: podSpecSchema,
  status: obj({
    phase: str,
    conditions: conditionsSchema,
    message: str,
    reason: str,
    hostIP: str,
    hostIPs: podIPs,
    podIP: str,
    podIPs,
    startTime: time,
    nominatedNodeName: str,
    initContainerStatuses: list(containerStatus),
    containerStatuses: list(containerStatus),
    qosClass: str,
  }),
});

/** A pod template (`spec.template` of the workload kinds). */
export const podTemplateSchema: ObjectSchema = obj({ metadata: objectMetaSchema, spec: podSpecSchema });
