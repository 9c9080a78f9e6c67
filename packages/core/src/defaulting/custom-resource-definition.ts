import type { CustomResourceDefinition } from '../model/apiextensions-v1.js';

/**
 * CustomResourceDefinition, as Kubernetes' `SetDefaults_CustomResourceDefinitionSpec`:
 * `listKind` is `<kind>List`, `singular` the lower-cased kind, and
 * conversion `None`.
 */
export function defaultCustomResourceDefinition(crd: CustomResourceDefinition): void {
  const spec = crd.spec;
  if (!spec?.names) return;
  if (spec.names.kind) {
    spec.names.listKind ??= `${spec.names.kind}List`;
    spec.names.singular ??= spec.names.kind.toLowerCase();
  }
  spec.conversion ??= {};
  spec.conversion.strategy ??= 'None';
}
