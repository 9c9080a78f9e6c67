import { bool, int64, list, type ObjectSchema, obj, str, stringList, stringMap, time } from './field-schema.js';

/** `metadata.ownerReferences[*]`. */
export const ownerReferenceSchema: ObjectSchema = obj({
  apiVersion: str,
  kind: str,
  name: str,
  uid: str,
  controller: bool,
  blockOwnerDeletion: bool,
});

/** `ObjectMeta`: every field the Api, defaulting and validation read. */
export const objectMetaSchema: ObjectSchema = obj({
  name: str,
  namespace: str,
  generateName: str,
  uid: str,
  resourceVersion: str,
  generation: int64,
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: list(ownerReferenceSchema),
  finalizers: stringList,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: int64,
});

/** A structured label selector (`matchLabels`, `matchExpressions`). */
export const labelSelectorSchema: ObjectSchema = obj({
  matchLabels: stringMap,
  matchExpressions: list(obj({ key: str, operator: str, values: stringList })),
});

/** A status condition. */
export const conditionSchema: ObjectSchema = obj({
  type: str,
  status: str,
  reason: str,
  message: str,
  lastTransitionTime: time,
  lastUpdateTime: time,
  lastHeartbeatTime: time,
  lastProbeTime: time,
  observedGeneration: int64,
});

/** `conditions: [...]` of most statuses. */
export const conditionsSchema = list(conditionSchema);

/** The top of every object: what the Api itself reads before any kind's code runs. */
export const objectSchema: ObjectSchema = obj({ apiVersion: str, kind: str, metadata: objectMetaSchema });
