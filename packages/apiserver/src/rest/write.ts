import { ConflictError, isReason, type KubeObject } from '@flotilla/core';
import { objectText } from '../encoding/object-text.js';
import { HttpStatusError } from '../errors/http-status-error.js';
import type { Status } from '../errors/status.js';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from '../protobuf/index.js';
import { writeEncodedJson, writeJson } from '../server/respond.js';
import { parseJsonObject, readBody } from './body.js';
import { assertBodyShape } from './body-entries.js';
import { deleteRequestOf } from './delete-options.js';
import { fieldManagerOf } from './field-manager.js';
import { checkDuplicateFields } from './field-validation.js';
import { listQueryOf, writeQueryOf } from './query.js';
import { adoptBody, getStored, objectRef, type RestRequest, type RestServices } from './rest-request.js';

/**
 * Reads an object body: JSON, or Kubernetes' protobuf envelope (what
 * `kubectl create <kind>` and `autoscale` send); other media types get a 415.
 */
export async function readObjectBody(r: RestRequest, s: RestServices): Promise<Record<string, unknown>> {
  const header = r.req.headers['content-type'];
  // What every client library sends, read without splitting.
  const type =
    header === undefined || header === 'application/json'
      ? 'application/json'
      : header.split(';')[0]!.trim().toLowerCase();
  if (type === PROTOBUF_CONTENT_TYPE) return decodeProtobufObject(await readBody(r.req, s.bodyLimit));
  if (type !== 'application/json' && type !== '*/*') {
    throw new HttpStatusError(
      415,
      'UnsupportedMediaType',
      `the body of a ${r.req.method} must be application/json or ${PROTOBUF_CONTENT_TYPE}, not ${JSON.stringify(type)}`,
    );
  }
  const text = (await readBody(r.req, s.bodyLimit)).toString('utf8');
  const members = assertBodyShape(text, s.bodyEntries, r.type.kind, r.info.name);
  const parsed = parseJsonObject(text);
  checkDuplicateFields(r, writeQueryOf(r.query).fieldValidation, text, parsed, members);
  return parsed;
}

/** `POST` to a collection: 201 with the created object (or what would be created, for `dryRun=All`). */
export async function createObject(r: RestRequest, s: RestServices): Promise<void> {
  const write = writeQueryOf(r.query);
  const obj = adoptBody(r, await readObjectBody(r, s), false);
  const created = await r.client.create(obj, {
    dryRun: write.dryRun,
    requester: r.user,
    fieldManager: fieldManagerOf(r),
  });
  writeEncodedJson(r.res, 201, objectText(r.view.object(created)));
}

/** `PUT` of an object or its status: compare-and-swap when the body carries a resourceVersion. */
export async function updateObject(r: RestRequest, s: RestServices): Promise<void> {
  const write = writeQueryOf(r.query);
  const obj = adoptBody(r, await readObjectBody(r, s), true);
  const subresource = r.info.subresource === 'status' && r.type.statusSubresource ? 'status' : undefined;
  const rv = obj.metadata.resourceVersion;
  const options = {
    precondition: rv === '' ? undefined : rv,
    subresource,
    dryRun: write.dryRun,
    requester: r.user,
    fieldManager: fieldManagerOf(r),
  } as const;
  const updated = await r.client.rewrite(objectRef(r), options, () => structuredClone(obj));
  writeEncodedJson(r.res, 200, objectText(r.view.object(updated)));
}

async function optionalBody(r: RestRequest, s: RestServices): Promise<Record<string, unknown> | undefined> {
  const text = (await readBody(r.req, s.bodyLimit)).toString('utf8');
  if (text.length === 0) return undefined;
  assertBodyShape(text, s.bodyEntries, 'DeleteOptions', '');
  return parseJsonObject(text);
}

/** The Status a delete answers with once the object is gone (`metav1.Status` Success with details). */
function deletedStatus(r: RestRequest, obj: KubeObject): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata.name, group: r.type.group, kind: r.type.plural, uid: obj.metadata.uid },
    code: 200,
  };
}

/**
 * `DELETE` of one object with DeleteOptions: the object when it lingers
 * (finalizers, graceful pod deletion: it carries `deletionTimestamp`), a
 * Success Status when it is gone. A dry run checks existence and
 * preconditions and writes nothing (admission hooks for DELETE do not run).
 */
export async function deleteObject(r: RestRequest, s: RestServices): Promise<void> {
  const { options, dryRun } = deleteRequestOf(await optionalBody(r, s), r.query);
  if (dryRun) {
    const stored = await getStored(r);
    const pre = options.preconditions;
    const target = { resource: r.type.plural, namespace: r.info.namespace, name: r.info.name };
    if (pre?.uid !== undefined && pre.uid !== stored.metadata.uid)
      throw new ConflictError(target, 'Precondition failed: UID');
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== stored.metadata.resourceVersion) {
      throw new ConflictError(target, 'Precondition failed: ResourceVersion');
    }
    writeJson(r.res, 200, r.view.object(stored));
    return;
  }
  const asUser = { ...options, requester: r.user };
  const result = r.type.namespaced
    ? await r.client.delete(r.info.namespace, r.info.name, asUser)
    : await r.client.delete(r.info.name, asUser);
  if (result.metadata.deletionTimestamp) writeJson(r.res, 200, r.view.object(result));
  else writeJson(r.res, 200, deletedStatus(r, result));
}

/**
 * `DELETE` of a collection: deletes every object the selectors match (one
 * by one, as Kubernetes does) and answers the list of what was deleted.
 * Objects that vanish meanwhile are skipped.
 */
export async function deleteCollection(r: RestRequest, s: RestServices): Promise<void> {
  const { options: given, dryRun } = deleteRequestOf(await optionalBody(r, s), r.query);
  const options = { ...given, requester: r.user };
  const q = listQueryOf(r.query);
  const list = await r.client.list({
    namespace: r.info.namespace || undefined,
    labelSelector: q.labelSelector,
    fieldSelector: q.fieldSelector,
  });
  const deleted: KubeObject[] = [];
  for (const item of list.items) {
    if (dryRun) {
      deleted.push(item);
      continue;
    }
    try {
      const { name, namespace } = item.metadata;
      deleted.push(
        r.type.namespaced ? await r.client.delete(namespace!, name, options) : await r.client.delete(name, options),
      );
    } catch (err) {
      if (!isReason(err, 'NotFound')) throw err;
    }
  }
  writeJson(r.res, 200, r.view.list(deleted, list.resourceVersion));
}
