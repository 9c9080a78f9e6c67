import type { FieldError } from '../errors/api-errors.js';
import { validateLabels } from '../model/labels.js';
import type { KubeObject, ObjectMeta } from '../model/meta.js';
import type { NameFormat, ResourceType } from '../registry/resource-type.js';
import { appendErrors, forbidden, invalid, invalidEach, required, tooLong } from './field-errors.js';
import { listIsFull } from './listed-errors.js';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
} from './names.js';

/** Kubernetes' cap on the summed size of all annotation keys and values of one object. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

const nameRules: Record<NameFormat, (v: string) => string[]> = {
  dns1123Subdomain: isDNS1123Subdomain,
  dns1123Label: isDNS1123Label,
  dns1035Label: isDNS1035Label,
  pathSegment: isValidPathSegmentName,
};

/** The name rule for a kind: its `nameFormat`, DNS-1123 subdomain by default. */
export function nameRuleOf(type: Pick<ResourceType, 'nameFormat'>): (name: string) => string[] {
  return nameRules[type.nameFormat ?? 'dns1123Subdomain'];
}

/**
 * Problems with a `generateName` under `format`. The Api appends a random
 * suffix, so a DNS prefix is checked without its trailing dash, and a path
 * segment prefix only for characters (`.` plus a suffix is a fine name).
 */
function generateNameProblems(format: NameFormat, prefix: string): string[] {
  if (format === 'pathSegment') return isValidPathSegmentPrefix(prefix);
  return nameRules[format](prefix.replace(/-$/, '') || 'a');
}

/**
 * Validates the generic metadata every kind shares, with Kubernetes' paths
 * and wording: the name (per `type.nameFormat`; required unless
 * `generateName` is set, whose prefix must itself be valid once a suffix is
 * added), the namespace (required exactly for namespaced kinds), label keys
 * and values, annotation keys and their total size (256 KiB), finalizer names,
 * and owner references. With `old` (an update), `creationTimestamp` may not change.
 *
 * Guarantees: a name that passes contains no `/` and is not `.` or `..`, so
 * it is one safe segment of a store key or file path. Under the DNS rules
 * (every kind but those with `nameFormat: 'pathSegment'`) it also has no
 * uppercase, whitespace or shell metacharacter, so it is safe in rule text.
 *
 * Caveats: `pathSegment` names (RBAC kinds, Events) may hold `:`, spaces and
 * shell metacharacters, as in Kubernetes; see `isValidPathSegmentName`.
 */
export function validateObjectMeta(
  obj: KubeObject,
  type: Pick<ResourceType, 'namespaced' | 'nameFormat'>,
  old?: KubeObject,
): FieldError[] {
  const meta: Partial<ObjectMeta> = obj.metadata ?? {};
  const errs: FieldError[] = [];
  const nameRule = nameRuleOf(type);
  if (typeof meta.generateName === 'string' && meta.generateName !== '') {
    const problems = generateNameProblems(type.nameFormat ?? 'dns1123Subdomain', meta.generateName);
    errs.push(...invalidEach('metadata.generateName', meta.generateName, problems));
  }
  if (typeof meta.name !== 'string' || meta.name === '') {
    if (!meta.generateName) errs.push(required('metadata.name', 'name or generateName is required'));
  } else {
    errs.push(...invalidEach('metadata.name', meta.name, nameRule(meta.name)));
  }
  if (type.namespaced) {
    if (!meta.namespace) errs.push(required('metadata.namespace'));
    else errs.push(...invalidEach('metadata.namespace', meta.namespace, isDNS1123Label(meta.namespace)));
  } else if (meta.namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  appendErrors(errs, validateLabels(meta.labels, 'metadata.labels'));
  appendErrors(errs, validateAnnotations(meta.annotations, 'metadata.annotations'));
  appendErrors(errs, validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  appendErrors(errs, validateOwnerReferences(meta.ownerReferences, 'metadata.ownerReferences'));
  const oldCreated = old?.metadata.creationTimestamp;
  if (oldCreated && meta.creationTimestamp && meta.creationTimestamp !== oldCreated) {
    errs.push(invalid('metadata.creationTimestamp', meta.creationTimestamp, 'field is immutable'));
  }
  return errs;
}

/**
 * Annotation keys are qualified names (lower-cased, as Kubernetes checks
 * them); total size at most 256 KiB. Once `MAX_LISTED_ERRORS` are found, the
 * rest is not looked at (the Api then says so in its last error).
 */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  if (!annotations) return [];
  const errs: FieldError[] = [];
  let total = 0;
  // for...in, not Object.entries: a map of 200,000 annotations would allocate a pair per entry.
  for (const k in annotations) {
    if (listIsFull(errs)) return errs;
    if (!Object.hasOwn(annotations, k)) continue;
    const v = annotations[k];
    appendErrors(errs, invalidEach(path, k, isQualifiedName(k.toLowerCase())));
    if (typeof v !== 'string') errs.push(invalid(`${path}.${k}`, v, 'annotation values must be strings'));
    total += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : '');
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
    errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  }
  return errs;
}

function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  if (!finalizers) return [];
  const errs: FieldError[] = [];
  finalizers.forEach((f, i) => {
    errs.push(...invalidEach(`${path}[${i}]`, f, isQualifiedName(f)));
  });
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalid(path, 'orphan', 'finalizers orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function validateOwnerReferences(refs: ObjectMeta['ownerReferences'], path: string): FieldError[] {
  if (!refs) return [];
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  refs.forEach((ref, i) => {
    const p = `${path}[${i}]`;
    if (!ref.apiVersion) errs.push(invalid(`${p}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(`${p}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(invalid(`${p}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(invalid(`${p}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller) controllers.push(`${ref.kind}/${ref.name}`);
  });
  if (controllers.length > 1) {
    errs.push(
      invalid(
        path,
        controllers.join(', '),
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`,
      ),
    );
  }
  return errs;
}
