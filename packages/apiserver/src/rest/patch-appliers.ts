import { applyMergePatch, type KubeObject, type ResourceType } from '@flotilla/core';
import { HttpStatusError } from '../errors/http-status-error.js';
import { applyJsonPatch, applyStrategicMergePatch } from '../patch/index.js';
import { parseJsonBody } from './body.js';

/** What a patch applier knows about the object it patches. */
export interface PatchTarget {
  type: ResourceType;
  /** `'status'`, `'scale'`, or `''` for the main resource. */
  subresource: string;
}

/** Applies one patch format: the stored object and the raw patch body in, the patched object out (a new value). */
export type PatchApplier = (stored: KubeObject, patch: Buffer, target: PatchTarget) => KubeObject;

/** `application/merge-patch+json`: RFC 7386, core's merge patch. */
export const mergePatchApplier: PatchApplier = (stored, patch) => {
  const body = parseJsonBody(patch);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpStatusError(400, 'BadRequest', 'a merge patch must be a JSON object');
  }
  return applyMergePatch(stored, body) as KubeObject;
};

/** `application/json-patch+json`: RFC 6902 operations. */
export const jsonPatchApplier: PatchApplier = (stored, patch) => applyJsonPatch(stored, parseJsonBody(patch));

/**
 * `application/strategic-merge-patch+json`: lists merged by their keys and
 * `$patch`/`$setElementOrder`/`$retainKeys` honoured, for built-in kinds
 * (kinds without a Go schema get a 415, as custom resources do in Kubernetes).
 */
export const strategicMergePatchApplier: PatchApplier = (stored, patch) =>
  applyStrategicMergePatch(stored, parseJsonBody(patch));

/** The patch Content-Types Kubernetes defines, for the 415 message. */
const KNOWN_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/**
 * The patch formats a server accepts, by Content-Type: JSON merge patch,
 * JSON patch and strategic merge patch (server-side apply is served apart,
 * since it also creates). More can be registered; a format the server
 * cannot apply is refused with a 415 naming the ones it can.
 */
export class PatchAppliers {
  private readonly appliers = new Map<string, PatchApplier>([
    ['application/merge-patch+json', mergePatchApplier],
    ['application/json-patch+json', jsonPatchApplier],
    ['application/strategic-merge-patch+json', strategicMergePatchApplier],
  ]);

  /** Accepts `contentType` with `applier` (replacing any earlier one). */
  register(contentType: string, applier: PatchApplier): this {
    this.appliers.set(contentType, applier);
    return this;
  }

  /** The applier for `contentType`; a 415 Status error when none is registered. */
  get(contentType: string | undefined): PatchApplier {
    const applier = contentType ? this.appliers.get(contentType) : undefined;
    if (applier) return applier;
    const served = [...this.appliers.keys()];
    const known = KNOWN_PATCH_TYPES.includes(contentType ?? '');
    throw new HttpStatusError(
      415,
      'UnsupportedMediaType',
      `${known ? 'this server does not apply' : 'the server does not know the patch type'} ${JSON.stringify(contentType ?? '')}; supported patch types: ${served.join(', ')}`,
    );
  }
}
