import type { FieldError } from '../errors/api-errors.js';
import type { CustomResourceDefinition, JSONSchemaProps } from '../model/apiextensions-v1.js';
import { forbidden, invalid, required } from '../validation/field-errors.js';
import { validateAgainstSchema } from './structural-schema.js';

/**
 * Why a schema node is not structural (Kubernetes' structural schema rules
 * for apiextensions.k8s.io/v1): every specified field and array item has a
 * `type`, unless it is an int-or-string or keeps unknown fields;
 * `properties` and `additionalProperties` do not go together; a `default`
 * is itself valid against its node. Paths are Kubernetes':
 * `...openAPIV3Schema.properties[spec].properties[size].type`.
 */
function nodeErrors(node: JSONSchemaProps, path: string, what: 'object fields' | 'array items' | 'root'): FieldError[] {
  const errs: FieldError[] = [];
  const typeless = node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node.type === undefined && !typeless) {
    errs.push(required(`${path}.type`, `must not be empty for specified ${what}`));
  }
  if (node.properties && node.additionalProperties !== undefined && node.additionalProperties !== false) {
    errs.push(forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (node.default !== undefined) {
    for (const e of validateAgainstSchema(node.default, { ...node, default: undefined }, 'default')) {
      errs.push(invalid(`${path}.default`, node.default, `${e.field}: ${e.message}`));
    }
  }
  for (const [name, sub] of Object.entries(node.properties ?? {})) {
    errs.push(...nodeErrors(sub, `${path}.properties[${name}]`, 'object fields'));
  }
  if (node.items) errs.push(...nodeErrors(node.items, `${path}.items`, 'array items'));
  if (typeof node.additionalProperties === 'object') {
    errs.push(...nodeErrors(node.additionalProperties, `${path}.additionalProperties`, 'object fields'));
  }
  return errs;
}

/** The structural-schema errors of every version's `openAPIV3Schema` of a CRD. */
export function structuralSchemaErrors(crd: Readonly<CustomResourceDefinition>): FieldError[] {
  return (crd.spec?.versions ?? []).flatMap((v, i) => {
    const schema = v?.schema?.openAPIV3Schema;
    return schema ? nodeErrors(schema, `spec.versions[${i}].schema.openAPIV3Schema`, 'root') : [];
  });
}
