import { type Dialect, type OpenApiSchema, ref } from './openapi-schema.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const str = (description: string): OpenApiSchema => ({ type: 'string', description });
const stringMap = (description: string): OpenApiSchema => ({
  type: 'object',
  additionalProperties: { type: 'string', default: '' },
  description,
});

/** The name kube-apiserver gives a kind's schema: `io.k8s.api.apps.v1.Deployment`, `com.example.v1.Widget` for a custom group. */
export function definitionName(group: string, version: string, kind: string): string {
  if (group === '') return `io.k8s.api.core.${version}.${kind}`;
  if (group === 'apiextensions.k8s.io')
    return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}.${kind}`;
  if (!group.includes('.') || group.endsWith('.k8s.io')) return `io.k8s.api.${group.split('.')[0]}.${version}.${kind}`;
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

/**
 * The apimachinery schemas every document references: ObjectMeta and the
 * types it holds, ListMeta, Status, DeleteOptions, Patch, IntOrString,
 * Quantity, Time, and autoscaling/v1 Scale.
 */
export function sharedDefinitions(dialect: Dialect): Record<string, OpenApiSchema> {
  const time = (description: string) => ref(`${META}.Time`, dialect, description);
  const intOrString: OpenApiSchema =
    dialect.version === 3
      ? { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }
      : { type: 'string', format: 'int-or-string' };
  return {
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
      ...intOrString,
      description: 'IntOrString is a type that can hold an int32 or a string.',
    },
    'io.k8s.apimachinery.pkg.api.resource.Quantity': {
      type: 'string',
      description: 'Quantity is a fixed-point representation of a number, such as 100m or 2Gi.',
    },
    [`${META}.Time`]: {
      type: 'string',
      format: 'date-time',
      description: 'RFC 3339 date and time at second precision.',
    },
    [`${META}.ObjectMeta`]: {
      type: 'object',
      description:
        'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
      properties: {
        name: str('Name must be unique within a namespace. Cannot be updated.'),
        generateName: str('An optional prefix the server uses to generate a unique name, if Name is not provided.'),
        namespace: str('Namespace defines the space within which each name must be unique. Cannot be updated.'),
        uid: str('UID is the unique in time and space value for this object. Populated by the system. Read-only.'),
        resourceVersion: str('An opaque value that represents the internal version of this object. Read-only.'),
        generation: {
          type: 'integer',
          format: 'int64',
          description: 'A sequence number representing a specific generation of the desired state. Read-only.',
        },
        creationTimestamp: time('The time this object was created. Populated by the system. Read-only.'),
        deletionTimestamp: time('The time after which this resource will be deleted. Set by the server. Read-only.'),
        deletionGracePeriodSeconds: {
          type: 'integer',
          format: 'int64',
          description: 'Seconds allowed for graceful termination before removal. Read-only.',
        },
        labels: stringMap('Map of string keys and values that can be used to organize and categorize objects.'),
        annotations: stringMap('Unstructured key value map stored with a resource by external tools.'),
        ownerReferences: {
          type: 'array',
          description: 'List of objects depended by this object.',
          items: { $ref: `${dialect.refPrefix}${META}.OwnerReference` },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['uid'],
          'x-kubernetes-patch-merge-key': 'uid',
          'x-kubernetes-patch-strategy': 'merge',
        },
        finalizers: {
          type: 'array',
          description: 'Must be empty before the object is deleted from the registry.',
          items: { type: 'string', default: '' },
          'x-kubernetes-list-type': 'set',
          'x-kubernetes-patch-strategy': 'merge',
        },
        managedFields: {
          type: 'array',
          description: 'Maps workflow-id and version to the set of fields that are managed by that workflow.',
          items: { $ref: `${dialect.refPrefix}${META}.ManagedFieldsEntry` },
          'x-kubernetes-list-type': 'atomic',
        },
      },
    },
    [`${META}.OwnerReference`]: {
      type: 'object',
      description: 'OwnerReference contains enough information to let you identify an owning object.',
      required: ['apiVersion', 'kind', 'name', 'uid'],
      properties: {
        apiVersion: str('API version of the referent.'),
        kind: str('Kind of the referent.'),
        name: str('Name of the referent.'),
        uid: str('UID of the referent.'),
        controller: { type: 'boolean', description: 'If true, this reference points to the managing controller.' },
        blockOwnerDeletion: {
          type: 'boolean',
          description: 'If true, the owner cannot be deleted before this object.',
        },
      },
      'x-kubernetes-map-type': 'atomic',
    },
    [`${META}.ManagedFieldsEntry`]: {
      type: 'object',
      description: 'The workflow-id and version of the fields a manager owns.',
      properties: {
        manager: str('The workflow managing these fields.'),
        operation: str('The type of operation which lead to this entry being created: Apply or Update.'),
        apiVersion: str('The version of the resource this field set applies to.'),
        time: time('When these fields were last changed.'),
        fieldsType: str('The discriminator for the format of the fields: FieldsV1.'),
        fieldsV1: { type: 'object', description: 'The set of fields owned, in FieldsV1 format.' },
        subresource: str('The subresource written through, if any.'),
      },
    },
    [`${META}.ListMeta`]: {
      type: 'object',
      description: 'ListMeta describes metadata that synthetic resources must have.',
      properties: {
        resourceVersion: str('The version of the list.'),
        continue: str('Set if the list is truncated; pass it as the continue parameter to get more.'),
        remainingItemCount: { type: 'integer', format: 'int64', description: 'Items left after this page.' },
      },
    },
    [`${META}.Status`]: {
      type: 'object',
      description: 'Status is a return value for calls that do not return other objects.',
      properties: {
        apiVersion: str('APIVersion of this representation.'),
        kind: str('Kind of this representation.'),
        status: str('Status of the operation. One of: "Success" or "Failure".'),
        message: str('A human-readable description of the status of this operation.'),
        reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
        code: { type: 'integer', format: 'int32', description: 'Suggested HTTP return code for this status.' },
        details: {
          type: 'object',
          description: 'Extended data associated with the reason.',
          'x-kubernetes-preserve-unknown-fields': true,
        },
      },
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
    },
    [`${META}.DeleteOptions`]: {
      type: 'object',
      description: 'DeleteOptions may be provided when deleting an API object.',
      properties: {
        gracePeriodSeconds: {
          type: 'integer',
          format: 'int64',
          description: 'The duration in seconds before the object should be deleted.',
        },
        propagationPolicy: str(
          'Whether and how garbage collection will be performed: Orphan, Background or Foreground.',
        ),
        preconditions: {
          type: 'object',
          description: 'Must be fulfilled before a deletion is carried out.',
          properties: {
            uid: str('Specifies the target UID.'),
            resourceVersion: str('Specifies the target ResourceVersion.'),
          },
        },
        dryRun: {
          type: 'array',
          items: { type: 'string' },
          description: 'When present, modifications are not persisted.',
        },
      },
    },
    [`${META}.Patch`]: {
      type: 'object',
      description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    },
    'io.k8s.api.autoscaling.v1.Scale': {
      type: 'object',
      description: 'Scale represents a scaling request for a resource.',
      properties: {
        apiVersion: str('APIVersion of this representation.'),
        kind: str('Kind of this representation.'),
        metadata: ref(`${META}.ObjectMeta`, dialect, "Standard object's metadata."),
        spec: {
          type: 'object',
          properties: {
            replicas: { type: 'integer', format: 'int32', description: 'The desired number of instances.' },
          },
        },
        status: {
          type: 'object',
          properties: {
            replicas: { type: 'integer', format: 'int32', description: 'The actual number of observed instances.' },
            selector: str('The label query over pods that should match the replicas count, in string form.'),
          },
        },
      },
      'x-kubernetes-group-version-kind': [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }],
    },
  };
}
