import { ConflictError, type KubeObject, type RewriteOptions } from '@flotilla/core';
import { HttpStatusError } from '../errors/http-status-error.js';
import { writeJson } from '../server/respond.js';
import { APPLY_PATCH_TYPE, applyObject } from './apply.js';
import { parseJsonText, readBody } from './body.js';
import { assertBodyShape } from './body-entries.js';
import { fieldManagerOf } from './field-manager.js';
import { checkDuplicateFields } from './field-validation.js';
import { writeQueryOf } from './query.js';
import { objectRef, type RestRequest, type RestServices } from './rest-request.js';

/** The media type of a request, without parameters. */
export function contentTypeOf(r: RestRequest): string | undefined {
  return r.req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
}

/**
 * `PATCH` of an object or its status in any accepted format: the patch is
 * applied to the stored object inside the Api's update pipeline (defaults,
 * validation, admission, compare-and-swap, retried when another writer got
 * in between). A `metadata.resourceVersion` in the patched result other than
 * the stored one is a precondition that fails with 409, as in Kubernetes.
 */
export async function patchObject(r: RestRequest, s: RestServices): Promise<void> {
  if (contentTypeOf(r) === APPLY_PATCH_TYPE && r.info.subresource === '') return applyObject(r, s);
  const write = writeQueryOf(r.query);
  const apply = s.patchers.get(contentTypeOf(r));
  const { conversion } = r;
  // In a converted version the patch applies to the object as the client sees it.
  const applier: typeof apply = conversion
    ? (stored, body, t) => conversion.toStored(apply(conversion.fromStored(stored), body, t))
    : apply;
  const patch = await readBody(r.req, s.bodyLimit);
  const text = patch.toString('utf8');
  const members = assertBodyShape(text, s.bodyEntries, r.type.kind, r.info.name);
  checkDuplicateFields(r, write.fieldValidation, text, parseJsonText(text), members);
  const subresource = r.info.subresource === 'status' && r.type.statusSubresource ? 'status' : undefined;
  const target = { type: r.type, subresource: r.info.subresource };
  const ref = objectRef(r);
  const options: RewriteOptions = {
    subresource,
    dryRun: write.dryRun,
    requester: r.user,
    fieldManager: fieldManagerOf(r),
  };
  const patched = await r.client.rewrite(ref, options, (stored) => {
    const rv = stored.metadata.resourceVersion;
    const next = applier(stored, patch, target);
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      throw new HttpStatusError(400, 'BadRequest', 'the patch does not result in a JSON object');
    }
    const nextRv = (next as KubeObject).metadata?.resourceVersion;
    if (nextRv !== undefined && nextRv !== rv) {
      throw new ConflictError({ resource: r.type.plural, namespace: ref.namespace, name: ref.name });
    }
    return next as KubeObject;
  });
  writeJson(r.res, 200, r.view.object(patched));
}
