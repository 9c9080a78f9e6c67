import {
  bool,
  type FieldSchema,
  int32,
  int64,
  intOrString,
  list,
  num,
  type ObjectSchema,
  obj,
  str,
  stringList,
  stringMap,
} from './field-schema.js';
import { conditionsSchema, labelSelectorSchema } from './meta-schema.js';

/** Schemas of the policy, networking, storage, apiextensions kinds and ControllerRevision. */

const anyValue: FieldSchema = { type: 'any' };

/** A ControllerRevision: `data` is any object, `revision` an integer. */
export const controllerRevisionSchema: ObjectSchema = obj({ data: anyValue, revision: int64 });

/** A PodDisruptionBudget. */
export const podDisruptionBudgetSchema: ObjectSchema = obj({
  spec: obj({
    minAvailable: intOrString,
    maxUnavailable: intOrString,
    selector: labelSelectorSchema,
    unhealthyPodEvictionPolicy: str,
  }),
  status: obj({
    observedGeneration: int64,
    disruptedPods: stringMap,
    disruptionsAllowed: int32,
    currentHealthy: int32,
    desiredHealthy: int32,
    expectedPods: int32,
    conditions: conditionsSchema,
  }),
});

const typedReference = obj({ apiGroup: str, kind: str, name: str });
const ingressBackend = obj({
  service: obj({ name: str, port: obj({ name: str, number: int32 }) }),
  resource: typedReference,
});

/** An Ingress. */
export const ingressSchema: ObjectSchema = obj({
  spec: obj({
    ingressClassName: str,
    defaultBackend: ingressBackend,
    tls: list(obj({ hosts: stringList, secretName: str })),
    rules: list(
      obj({ host: str, http: obj({ paths: list(obj({ path: str, pathType: str, backend: ingressBackend })) }) }),
    ),
  }),
  status: obj({ loadBalancer: obj({ ingress: list(obj({ ip: str, hostname: str })) }) }),
});

/** An IngressClass. */
export const ingressClassSchema: ObjectSchema = obj({
  spec: obj({
    controller: str,
    parameters: obj({ apiGroup: str, kind: str, name: str, scope: str, namespace: str }),
  }),
});

const peers = list(
  obj({
    podSelector: labelSelectorSchema,
    namespaceSelector: labelSelectorSchema,
    ipBlock: obj({ cidr: str, except: stringList }),
  }),
);
const policyPorts = list(obj({ protocol: str, port: intOrString, endPort: int32 }));

/** A NetworkPolicy. */
export const networkPolicySchema: ObjectSchema = obj({
  spec: obj({
    podSelector: labelSelectorSchema,
    ingress: list(obj({ from: peers, ports: policyPorts })),
    egress: list(obj({ to: peers, ports: policyPorts })),
    policyTypes: stringList,
  }),
});

/** A StorageClass. */
export const storageClassSchema: ObjectSchema = obj({
  provisioner: str,
  parameters: stringMap,
  reclaimPolicy: str,
  volumeBindingMode: str,
  allowVolumeExpansion: bool,
  mountOptions: stringList,
  allowedTopologies: list(anyValue),
});

/** PriorityClass: its top-level fields (scheduling.k8s.io/v1 has no spec). */
export const priorityClassSchema: ObjectSchema = obj({
  value: int32,
  globalDefault: bool,
  description: str,
  preemptionPolicy: str,
});

/**
 * `JSONSchemaProps`, which nests itself (`properties`, `items`): the one
 * recursive schema, built as a cycle. Checking follows the value, so it
 * stops where the value stops.
 */
function jsonSchemaPropsSchema(): ObjectSchema {
  const properties: Record<string, FieldSchema> = {
    type: str,
    format: str,
    description: str,
    required: stringList,
    enum: list(anyValue),
    pattern: str,
    minimum: num,
    maximum: num,
    exclusiveMinimum: bool,
    exclusiveMaximum: bool,
    multipleOf: num,
    minLength: int64,
    maxLength: int64,
    minItems: int64,
    maxItems: int64,
    uniqueItems: bool,
    minProperties: int64,
    maxProperties: int64,
    default: anyValue,
    nullable: bool,
    'x-kubernetes-preserve-unknown-fields': bool,
    'x-kubernetes-int-or-string': bool,
    'x-kubernetes-embedded-resource': bool,
    // `additionalProperties` is a schema or a boolean.
    additionalProperties: anyValue,
  };
  const schema: ObjectSchema = { type: 'object', properties };
  properties.properties = { type: 'object', additionalProperties: schema };
  properties.items = schema;
  return schema;
}

const crdNames = obj({
  plural: str,
  singular: str,
  kind: str,
  listKind: str,
  shortNames: stringList,
  categories: stringList,
});

/** A CustomResourceDefinition. */
export const customResourceDefinitionSchema: ObjectSchema = obj({
  spec: obj({
    group: str,
    names: crdNames,
    scope: str,
    versions: list(
      obj({
        name: str,
        served: bool,
        storage: bool,
        deprecated: bool,
        deprecationWarning: str,
        schema: obj({ openAPIV3Schema: jsonSchemaPropsSchema() }),
        subresources: obj({
          status: { type: 'object' },
          scale: obj({ specReplicasPath: str, statusReplicasPath: str, labelSelectorPath: str }),
        }),
        additionalPrinterColumns: list(
          obj({ name: str, type: str, jsonPath: str, format: str, description: str, priority: int32 }),
        ),
      }),
    ),
    conversion: obj({ strategy: str, webhook: anyValue }),
    preserveUnknownFields: bool,
  }),
  status: obj({ conditions: conditionsSchema, acceptedNames: crdNames, storedVersions: stringList }),
});
