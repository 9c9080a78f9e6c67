import { apiVersionOf } from '@flotilla/core';
import { listJson } from '../encoding/list-json.js';
import { writeEncodedJson, writeJson } from '../server/respond.js';
import { listQueryOf } from './query.js';
import { getStored, type RestRequest } from './rest-request.js';

/** `GET` of one object: the object, or a one-row Table. */
export async function getObject(r: RestRequest): Promise<void> {
  const obj = await getStored(r);
  writeJson(r.res, 200, r.view.object(obj));
}

/**
 * `GET` of a collection: `<Kind>List` (or a Table) at one revision, filtered
 * by label and field selectors, paged by `limit` and `continue`.
 *
 * Caveat: `resourceVersion` and `resourceVersionMatch` are served as
 * "not older than": the answer is always the latest state, which satisfies
 * every match but `Exact` at an older revision.
 */
export async function listObjects(r: RestRequest): Promise<void> {
  const q = listQueryOf(r.query);
  // A plain JSON list is only serialized: it reads the store's own objects, whose JSON is cached, not copies.
  const plain = !r.view.table && !r.conversion;
  const list = await r.client.list({
    namespace: r.info.namespace || undefined,
    labelSelector: q.labelSelector,
    fieldSelector: q.fieldSelector,
    limit: q.limit,
    continue: q.continue,
    shared: plain,
  });
  if (plain) {
    const body = listJson(r.type.kind, apiVersionOf(r.type), list.items, list.resourceVersion, list.continue);
    writeEncodedJson(r.res, 200, body);
    return;
  }
  writeJson(r.res, 200, r.view.list(list.items, list.resourceVersion, list.continue));
}
