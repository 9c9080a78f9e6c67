import { writeJson } from '../server/respond.js';
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
  const list = await r.client.list({
    namespace: r.info.namespace || undefined,
    labelSelector: q.labelSelector,
    fieldSelector: q.fieldSelector,
    limit: q.limit,
    continue: q.continue,
  });
  writeJson(r.res, 200, r.view.list(list.items, list.resourceVersion, list.continue));
}
