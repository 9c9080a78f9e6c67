import type { FieldError } from '../errors/api-errors.js';
import { validateLabels } from '../model/labels.js';
import type { KubeObject } from '../model/meta.js';
import type { ResourceType } from '../registry/resource-type.js';
import { invalidEach, required } from '../validation/field-errors.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from '../validation/names.js';

const nameRules = {
  dns1123Subdomain: isDNS1123Subdomain,
  dns1123Label: isDNS1123Label,
  dns1035Label: isDNS1035Label,
} as const;

/**
 * The metadata rules every kind shares: a name in the kind's format, a
 * namespace (a DNS-1123 label) exactly for namespaced kinds, valid labels.
 */
export function validateObjectMeta(obj: KubeObject, type: ResourceType): FieldError[] {
  const errors: FieldError[] = [];
  const meta = obj.metadata;
  if (!meta.name) errors.push(required('metadata.name', 'name or generateName is required'));
  else
    errors.push(
      ...invalidEach('metadata.name', meta.name, nameRules[type.nameFormat ?? 'dns1123Subdomain'](meta.name)),
    );
  if (type.namespaced) {
    if (!meta.namespace) errors.push(required('metadata.namespace'));
    else errors.push(...invalidEach('metadata.namespace', meta.namespace, isDNS1123Label(meta.namespace)));
  }
  if (meta.labels !== undefined) errors.push(...validateLabels(meta.labels, 'metadata.labels'));
  return errors;
}
