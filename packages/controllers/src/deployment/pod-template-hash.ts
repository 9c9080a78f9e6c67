import type { PodTemplateSpec } from '@flotilla/core';

/** Label (and selector key) that ties a ReplicaSet and its pods to one template of a Deployment. */
export const podTemplateHashLabel = 'pod-template-hash';

/** Kubernetes' `rand.SafeEncodeString` alphabet: no vowels (no words) and no look-alike characters. */
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** Serialises a value with object keys sorted, so equal templates give equal bytes whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 32-bit FNV-1a over the UTF-16 code units of `text` (the hash Kubernetes uses for templates). */
function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The `pod-template-hash` of a Deployment's template: FNV-1a of the template
 * (with any existing hash label left out) and the collision count, written
 * with Kubernetes' label-safe alphabet. A name collision with a foreign
 * ReplicaSet is resolved by bumping `status.collisionCount`, which changes
 * the hash.
 *
 * Guarantees: stable across processes and key order; a label value (<= 10
 * characters, `[bcdfghjklmnpqrstvwxz2456789]`).
 */
export function podTemplateHash(template: Readonly<PodTemplateSpec>, collisionCount = 0): string {
  const labels = { ...template.metadata?.labels };
  delete labels[podTemplateHashLabel];
  const normalized = { ...template, metadata: { ...template.metadata, labels } };
  const digits = String(fnv1a32(`${canonicalJson(normalized)}#${collisionCount}`));
  let out = '';
  for (let i = 0; i < digits.length; i++) out += safeAlphabet[digits.charCodeAt(i) % safeAlphabet.length];
  return out;
}

/** True when two templates are equal once the `pod-template-hash` label is ignored (Kubernetes' `EqualIgnoreHash`). */
export function templatesEqualIgnoringHash(a: Readonly<PodTemplateSpec>, b: Readonly<PodTemplateSpec>): boolean {
  const strip = (t: Readonly<PodTemplateSpec>) => {
    const labels = { ...t.metadata?.labels };
    delete labels[podTemplateHashLabel];
    return canonicalJson({ ...t, metadata: { ...t.metadata, labels } });
  };
  return strip(a) === strip(b);
}
