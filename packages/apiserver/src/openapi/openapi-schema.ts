import type { FieldSchema as CoreFieldSchema } from '@flotilla/core';
import type { FieldSchema as MergeSchema } from '../patch/field-schema.js';
import { describeField } from './field-descriptions.js';

/** An OpenAPI schema object (the subset these documents use), as plain JSON. */
export interface OpenApiSchema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  required?: string[];
  default?: unknown;
  $ref?: string;
  allOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
  [extension: `x-${string}`]: unknown;
}

/** Which OpenAPI dialect a schema is written in: references and IntOrString differ. */
export interface Dialect {
  /** Where named schemas live: `#/definitions/` (v2) or `#/components/schemas/` (v3). */
  readonly refPrefix: string;
  /** `2` or `3`. */
  readonly version: 2 | 3;
}

/** Deeper than this, a schema is summarized as preserving unknown fields (a custom kind's schema can be anything). */
const MAX_SCHEMA_DEPTH = 64;

/** A `$ref` to a named schema; v3 wraps it in `allOf` so a description can sit beside it, as kube-openapi does. */
export function ref(name: string, dialect: Dialect, description?: string): OpenApiSchema {
  const target = { $ref: `${dialect.refPrefix}${name}` };
  if (!description) return target;
  return dialect.version === 3 ? { allOf: [target], description } : { ...target, description };
}

/**
 * Converts core's structural schema of a kind (the JSON types of the fields
 * Flotilla reads) to OpenAPI, adding the list and patch extensions of the
 * kind's merge description (`x-kubernetes-list-type`, `-list-map-keys`,
 * `-patch-merge-key`, `-patch-strategy`, `-map-type`) and descriptions for
 * well-known fields. Objects whose members core lists only in part keep
 * `x-kubernetes-preserve-unknown-fields`, so clients do not take the
 * description for the whole type.
 */
export function toOpenApiSchema(
  schema: CoreFieldSchema | undefined,
  merge: MergeSchema | undefined,
  dialect: Dialect,
  path: string,
  depth = 0,
  ancestors: ReadonlySet<CoreFieldSchema> = new Set(),
): OpenApiSchema {
  const described = (s: OpenApiSchema): OpenApiSchema => {
    const description = describeField(path);
    return description ? { description, ...s } : s;
  };
  // A recursive schema (JSONSchemaProps holds JSONSchemaProps) is cut where it repeats.
  if (!schema || depth > MAX_SCHEMA_DEPTH || ancestors.has(schema))
    return described({ 'x-kubernetes-preserve-unknown-fields': true });
  const inner = new Set(ancestors).add(schema);
  switch (schema.type) {
    case 'string':
    case 'boolean':
      return described({ type: schema.type });
    case 'number':
      return described({ type: 'number', format: 'double' });
    case 'integer':
      return described({ type: 'integer', format: schema.format ?? 'int64' });
    case 'intOrString':
      return ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString', dialect, describeField(path));
    case 'quantity':
      return ref('io.k8s.apimachinery.pkg.api.resource.Quantity', dialect, describeField(path));
    case 'array':
      return described({
        type: 'array',
        items: toOpenApiSchema(schema.items, merge?.list?.items, dialect, `${path}[]`, depth + 1, inner),
        ...listExtensions(merge),
      });
    case 'object': {
      const out: OpenApiSchema = { type: 'object' };
      if (schema.properties) {
        out.properties = {};
        for (const [name, member] of Object.entries(schema.properties)) {
          const memberMerge = merge?.fields?.[name] ?? merge?.values;
          out.properties[name] = toOpenApiSchema(member, memberMerge, dialect, `${path}.${name}`, depth + 1, inner);
        }
        out['x-kubernetes-preserve-unknown-fields'] = true;
      }
      if (schema.additionalProperties)
        out.additionalProperties = toOpenApiSchema(
          schema.additionalProperties,
          merge?.values,
          dialect,
          `${path}.*`,
          depth + 1,
          inner,
        );
      if (!schema.properties && !schema.additionalProperties) out['x-kubernetes-preserve-unknown-fields'] = true;
      if (merge?.atomic) out['x-kubernetes-map-type'] = 'atomic';
      if (merge?.retainKeys) out['x-kubernetes-patch-strategy'] = 'retainKeys';
      return described(out);
    }
    default:
      return described({ 'x-kubernetes-preserve-unknown-fields': true });
  }
}

function listExtensions(merge: MergeSchema | undefined): OpenApiSchema {
  const list = merge?.list;
  if (!list) return {};
  if (list.type === 'atomic') return { 'x-kubernetes-list-type': 'atomic' };
  if (list.type === 'set') return { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' };
  const keys = list.keys ?? [];
  return {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': [...keys],
    'x-kubernetes-patch-merge-key': keys[0],
    'x-kubernetes-patch-strategy': list.items?.retainKeys ? 'merge,retainKeys' : 'merge',
  };
}
