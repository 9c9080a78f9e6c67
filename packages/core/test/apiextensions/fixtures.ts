import type { CustomResourceDefinition, JSONSchemaProps } from '../../src/model/apiextensions-v1.js';

/** The CronTab schema of Kubernetes' CRD walkthrough, with a few more rules to exercise each keyword. */
export const cronTabSchema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['cronSpec'],
      properties: {
        cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
        image: { type: 'string', minLength: 1, maxLength: 64 },
        replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
        size: { type: 'string', enum: ['small', 'large'] },
        ratio: { type: 'number', exclusiveMinimum: true, minimum: 0 },
        suspend: { type: 'boolean', default: false },
        port: { 'x-kubernetes-int-or-string': true },
        tags: { type: 'array', maxItems: 3, uniqueItems: true, items: { type: 'string', maxLength: 8 } },
        containers: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' }, pullPolicy: { type: 'string', default: 'IfNotPresent' } },
          },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: {
      type: 'object',
      properties: { replicas: { type: 'integer' }, phase: { type: 'string' } },
    },
  },
};

/** A CronTab CRD as operators ship them: two served versions, status and scale subresources, printer columns. */
export function cronTabCrd(overrides: Partial<CustomResourceDefinition['spec']> = {}): CustomResourceDefinition {
  const version = (name: string, storage: boolean) => ({
    name,
    served: true,
    storage,
    schema: { openAPIV3Schema: cronTabSchema },
    subresources: {
      status: {},
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
    },
    additionalPrinterColumns: [
      { name: 'Spec', type: 'string' as const, jsonPath: '.spec.cronSpec' },
      { name: 'Replicas', type: 'integer' as const, jsonPath: '.spec.replicas' },
    ],
  });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
      versions: [version('v1', true), version('v1beta1', false)],
      ...overrides,
    },
  };
}

/** A CronTab at `apiVersion` with the given spec. */
export const cronTab = (spec: Record<string, unknown>, name = 'nightly', apiVersion = 'stable.example.com/v1') => ({
  apiVersion,
  kind: 'CronTab',
  metadata: { name, namespace: 'default' },
  spec,
});
