import { persistentVolumeClaimSpecSchema } from './core-schemas.js';
import {
  bool,
  int32,
  int64,
  intOrString,
  list,
  type ObjectSchema,
  obj,
  quantity,
  str,
  stringList,
  stringMap,
  time,
} from './field-schema.js';
import { conditionsSchema, labelSelectorSchema, objectMetaSchema } from './meta-schema.js';
import { podTemplateSchema } from './pod-schema.js';

/** Schemas of the workload kinds (apps/v1, ReplicationController, batch/v1, autoscaling/v2). */

const replicaStatus = obj({
  replicas: int32,
  fullyLabeledReplicas: int32,
  readyReplicas: int32,
  availableReplicas: int32,
  observedGeneration: int64,
  conditions: conditionsSchema,
});

/** A ReplicaSet. */
export const replicaSetSchema: ObjectSchema = obj({
  spec: obj({ replicas: int32, minReadySeconds: int32, selector: labelSelectorSchema, template: podTemplateSchema }),
  status: replicaStatus,
});

/** A ReplicationController (its selector is a plain label map). */
export const replicationControllerSchema: ObjectSchema = obj({
  spec: obj({ replicas: int32, minReadySeconds: int32, selector: stringMap, template: podTemplateSchema }),
  status: replicaStatus,
});

const rollingUpdate = obj({ maxSurge: intOrString, maxUnavailable: intOrString, partition: int32 });

/** A Deployment. */
export const deploymentSchema: ObjectSchema = obj({
  spec: obj({
    replicas: int32,
    selector: labelSelectorSchema,
    template: podTemplateSchema,
    strategy: obj({ type: str, rollingUpdate }),
    minReadySeconds: int32,
    revisionHistoryLimit: int32,
    paused: bool,
    progressDeadlineSeconds: int32,
  }),
  status: obj({
    observedGeneration: int64,
    replicas: int32,
    updatedReplicas: int32,
    readyReplicas: int32,
    availableReplicas: int32,
    unavailableReplicas: int32,
    conditions: conditionsSchema,
    collisionCount: int32,
  }),
});

/** A DaemonSet. */
export const daemonSetSchema: ObjectSchema = obj({
  spec: obj({
    selector: labelSelectorSchema,
    template: podTemplateSchema,
    updateStrategy: obj({ type: str, rollingUpdate }),
    minReadySeconds: int32,
    revisionHistoryLimit: int32,
  }),
  status: obj({
    currentNumberScheduled: int32,
    numberMisscheduled: int32,
    desiredNumberScheduled: int32,
    numberReady: int32,
    observedGeneration: int64,
    updatedNumberScheduled: int32,
    numberAvailable: int32,
    numberUnavailable: int32,
    collisionCount: int32,
    conditions: conditionsSchema,
  }),
});

/** A StatefulSet. */
export const statefulSetSchema: ObjectSchema = obj({
  spec: obj({
    replicas: int32,
    selector: labelSelectorSchema,
    template: podTemplateSchema,
    volumeClaimTemplates: list(obj({ metadata: objectMetaSchema, spec: persistentVolumeClaimSpecSchema })),
    serviceName: str,
    podManagementPolicy: str,
    updateStrategy: obj({ type: str, rollingUpdate }),
    revisionHistoryLimit: int32,
    minReadySeconds: int32,
    persistentVolumeClaimRetentionPolicy: obj({ whenDeleted: str, whenScaled: str }),
    ordinals: obj({ start: int32 }),
  }),
  status: obj({
    observedGeneration: int64,
    replicas: int32,
    readyReplicas: int32,
    currentReplicas: int32,
    updatedReplicas: int32,
    availableReplicas: int32,
    currentRevision: str,
    updateRevision: str,
    collisionCount: int32,
    conditions: conditionsSchema,
  }),
});

const jobSpec = obj({
  parallelism: int32,
  completions: int32,
  completionMode: str,
  backoffLimit: int32,
  activeDeadlineSeconds: int64,
  ttlSecondsAfterFinished: int32,
  suspend: bool,
  selector: labelSelectorSchema,
  manualSelector: bool,
  template: podTemplateSchema,
});

/** A Job. */
export const jobSchema: ObjectSchema = obj({
  spec: jobSpec,
  status: obj({
    conditions: conditionsSchema,
    startTime: time,
    completionTime: time,
    active: int32,
    succeeded: int32,
    failed: int32,
    ready: int32,
    completedIndexes: str,
    uncountedTerminatedPods: obj({ succeeded: stringList, failed: stringList }),
  }),
});

/** A CronJob. */
export const cronJobSchema: ObjectSchema = obj({
  spec: obj({
    schedule: str,
    timeZone: str,
    startingDeadlineSeconds: int64,
    concurrencyPolicy: str,
    suspend: bool,
    successfulJobsHistoryLimit: int32,
    failedJobsHistoryLimit: int32,
    jobTemplate: obj({ metadata: objectMetaSchema, spec: jobSpec }),
  }),
  status: obj({
    active: list(obj({ kind: str, namespace: str, name: str, uid: str, apiVersion: str })),
    lastScheduleTime: time,
    lastSuccessfulTime: time,
  }),
});

const metricTarget = obj({ type: str, averageUtilization: int32, averageValue: quantity, value: quantity });
const scalingRules = obj({
  stabilizationWindowSeconds: int32,
  selectPolicy: str,
  policies: list(obj({ type: str, value: int32, periodSeconds: int32 })),
  tolerance: quantity,
});

/** A HorizontalPodAutoscaler (autoscaling/v2). */
export const horizontalPodAutoscalerSchema: ObjectSchema = obj({
  spec: obj({
    scaleTargetRef: obj({ apiVersion: str, kind: str, name: str }),
    minReplicas: int32,
    maxReplicas: int32,
    metrics: list(
      obj({
        type: str,
        resource: obj({ name: str, target: metricTarget }),
        containerResource: obj({ name: str, container: str, target: metricTarget }),
        pods: obj({ metric: obj({ name: str }), target: metricTarget }),
      }),
    ),
    behavior: obj({ scaleUp: scalingRules, scaleDown: scalingRules }),
  }),
  status: obj({
    observedGeneration: int64,
    lastScaleTime: time,
    currentReplicas: int32,
    desiredReplicas: int32,
    currentMetrics: list(
      obj({
        type: str,
        resource: obj({
          name: str,
          current: obj({ averageUtilization: int32, averageValue: quantity, value: quantity }),
        }),
        pods: obj({ metric: obj({ name: str }), current: obj({ averageValue: quantity }) }),
      }),
    ),
    conditions: conditionsSchema,
  }),
});
