import type { FieldError } from '../errors/api-errors.js';
import type { Namespace, Node, ServiceAccount } from '../model/core-v1.js';
import { TAINT_EFFECTS } from './core-values.js';
import { appendErrors, duplicate, invalidEach, oneOf, required } from './field-errors.js';
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names.js';
import { validateResourceList } from './resources.js';

/** Namespace: finalizer names are qualified names; phase is Active or Terminating. */
export function validateNamespace(ns: Namespace): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, f] of (ns.spec?.finalizers ?? []).entries()) {
    errs.push(...invalidEach(`spec.finalizers[${i}]`, f, isQualifiedName(f)));
  }
  errs.push(...oneOf('status.phase', ns.status?.phase, ['Active', 'Terminating']));
  return errs;
}

/** Node: taints (qualified key, label-value value, known effect, unique key+effect) and parsable capacity. */
export function validateNode(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (node.spec?.taints ?? []).forEach((t, i) => {
    const p = `spec.taints[${i}]`;
    if (!t.key) errs.push(required(`${p}.key`));
    else errs.push(...invalidEach(`${p}.key`, t.key, isQualifiedName(t.key)));
    if (t.value) errs.push(...invalidEach(`${p}.value`, t.value, isValidLabelValue(t.value)));
    if (!t.effect) errs.push(required(`${p}.effect`));
    else errs.push(...oneOf(`${p}.effect`, t.effect, TAINT_EFFECTS));
    const id = `${t.key}:${t.effect}`;
    if (seen.has(id)) errs.push(duplicate(p, id));
    seen.add(id);
  });
  appendErrors(errs, validateResourceList(node.status?.capacity, 'status.capacity').errors);
  appendErrors(errs, validateResourceList(node.status?.allocatable, 'status.allocatable').errors);
  return errs;
}

/** ServiceAccount: the secrets it lists are named like objects. */
export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  return (sa.secrets ?? []).flatMap((s, i) =>
    s.name ? invalidEach(`secrets[${i}].name`, s.name, isDNS1123Subdomain(s.name)) : [required(`secrets[${i}].name`)],
  );
}
