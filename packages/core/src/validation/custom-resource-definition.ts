import type { FieldError } from '../errors/api-errors.js';
import type { CustomResourceDefinition } from '../model/apiextensions-v1.js';
import { appendErrors, duplicate, forbidden, invalid, invalidEach, oneOf, required } from './field-errors.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from './names.js';

const kindRe = /^[A-Z][A-Za-z0-9]*$/;
const columnTypes = ['integer', 'number', 'string', 'boolean', 'date'] as const;

function validateNames(crd: CustomResourceDefinition): FieldError[] {
  const names = crd.spec.names;
  if (!names) return [required('spec.names')];
  const errs: FieldError[] = [];
  if (!names.plural) errs.push(required('spec.names.plural'));
  else errs.push(...invalidEach('spec.names.plural', names.plural, isDNS1035Label(names.plural)));
  if (names.singular) errs.push(...invalidEach('spec.names.singular', names.singular, isDNS1035Label(names.singular)));
  if (!names.kind) errs.push(required('spec.names.kind'));
  else if (!kindRe.test(names.kind)) {
    errs.push(
      invalid('spec.names.kind', names.kind, 'may have mixed case, but should otherwise match: ^[A-Z][a-zA-Z0-9]*$'),
    );
  }
  if (names.listKind && names.listKind === names.kind) {
    errs.push(invalid('spec.names.listKind', names.listKind, 'kind and listKind may not be the same'));
  }
  for (const [i, s] of (names.shortNames ?? []).entries()) {
    errs.push(...invalidEach(`spec.names.shortNames[${i}]`, s, isDNS1123Label(s)));
  }
  return errs;
}

function validateVersions(crd: CustomResourceDefinition): FieldError[] {
  const versions = crd.spec.versions;
  if (!Array.isArray(versions) || versions.length === 0)
    return [required('spec.versions', 'must have exactly one version marked as storage version')];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, v] of versions.entries()) {
    const path = `spec.versions[${i}]`;
    if (!v.name) errs.push(required(`${path}.name`));
    else {
      errs.push(...invalidEach(`${path}.name`, v.name, isDNS1035Label(v.name)));
      if (seen.has(v.name)) errs.push(duplicate(`${path}.name`, v.name));
      seen.add(v.name);
    }
    if (typeof v.served !== 'boolean') errs.push(required(`${path}.served`));
    if (typeof v.storage !== 'boolean') errs.push(required(`${path}.storage`));
    if (!v.schema?.openAPIV3Schema) errs.push(required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
    else if (v.schema.openAPIV3Schema.type !== 'object') {
      errs.push(
        invalid(
          `${path}.schema.openAPIV3Schema.type`,
          v.schema.openAPIV3Schema.type ?? '',
          'must be object at the root',
        ),
      );
    }
    for (const [j, c] of (v.additionalPrinterColumns ?? []).entries()) {
      const cp = `${path}.additionalPrinterColumns[${j}]`;
      if (!c.name) errs.push(required(`${cp}.name`));
      if (!c.jsonPath) errs.push(required(`${cp}.jsonPath`));
      errs.push(...oneOf(`${cp}.type`, c.type, columnTypes));
      if (!c.type) errs.push(required(`${cp}.type`));
    }
    const scale = v.subresources?.scale;
    if (scale && (!scale.specReplicasPath || !scale.statusReplicasPath)) {
      errs.push(required(`${path}.subresources.scale`, 'specReplicasPath and statusReplicasPath are required'));
    }
  }
  const storage = versions.filter((v) => v.storage).length;
  if (storage !== 1)
    errs.push(invalid('spec.versions', storage, 'must have exactly one version marked as storage version'));
  if (!versions.some((v) => v.served)) errs.push(invalid('spec.versions', '', 'must have at least one served version'));
  return errs;
}

/**
 * CustomResourceDefinition, as Kubernetes' `ValidateCustomResourceDefinition`
 * for what Flotilla serves: a group with at least one dot, names (plural and
 * singular DNS-1035 labels, an UpperCamelCase kind), a name of
 * `<plural>.<group>`, scope Namespaced or Cluster, versions with unique
 * names, an object-typed schema each (v1 requires schemas), exactly one
 * storage version and at least one served; conversion None or Webhook. On
 * update the group, kind, plural and scope may not change.
 */
export function validateCustomResourceDefinition(
  crd: CustomResourceDefinition,
  old?: CustomResourceDefinition,
): FieldError[] {
  const spec = crd.spec;
  if (!spec) return [required('spec')];
  const errs: FieldError[] = [];
  if (!spec.group) errs.push(required('spec.group'));
  else {
    errs.push(...invalidEach('spec.group', spec.group, isDNS1123Subdomain(spec.group)));
    if (!spec.group.includes('.'))
      errs.push(invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
  }
  appendErrors(errs, validateNames(crd));
  const expected = `${spec.names?.plural}.${spec.group}`;
  if (spec.names?.plural && spec.group && crd.metadata.name !== expected) {
    errs.push(invalid('metadata.name', crd.metadata.name, `must be spec.names.plural+"."+spec.group`));
  }
  if (!spec.scope) errs.push(required('spec.scope'));
  else errs.push(...oneOf('spec.scope', spec.scope, ['Namespaced', 'Cluster']));
  appendErrors(errs, validateVersions(crd));
  errs.push(...oneOf('spec.conversion.strategy', spec.conversion?.strategy, ['None', 'Webhook']));
  if (spec.conversion?.strategy === 'Webhook') {
    errs.push(forbidden('spec.conversion.strategy', 'Webhook conversion is not supported by Flotilla; use None'));
  }
  if (old?.spec) {
    if (spec.scope !== old.spec.scope) errs.push(invalid('spec.scope', spec.scope, 'field is immutable'));
    if (spec.names?.kind !== old.spec.names?.kind)
      errs.push(invalid('spec.names.kind', spec.names?.kind, 'field is immutable'));
  }
  return errs;
}
