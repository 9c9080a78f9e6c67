import { isReason, type KubeObject } from '@flotilla/core';
import { parse as parseYaml } from 'yaml';
import { HttpStatusError } from '../errors/http-status-error.js';
import { serverSideApply } from '../patch/index.js';
import { writeJson } from '../server/respond.js';
import { readBody } from './body.js';
import { assertBodyShape } from './body-entries.js';
import { fieldManagerOf } from './field-manager.js';
import { writeQueryOf } from './query.js';
import { getStored, objectRef, type RestRequest, type RestServices } from './rest-request.js';

/** The Content-Type of a server-side apply. */
export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

/**
 * How much more a YAML entry costs than a JSON one: the yaml library with
 * unique keys took 36-57 ms of CPU for maps of 500-2,000 entries and 135 ms
 * for 4,000 (its duplicate check grows with the square of a map's size),
 * where the JSON path takes about 1-3 us an entry; a YAML apply of 784
 * labels took 56 ms over HTTP.
 */
const YAML_ENTRY_COST = 40;

/** Largest YAML apply configuration parsed: the yaml library takes 35 ms of CPU for 512 KiB of plain text. */
const MAX_YAML_APPLY_BYTES = 256 * 1024;

/**
 * The limits on what the yaml library is given, from a JSON body's
 * `maxEntries`: YAML is served for people; kubectl sends JSON, which the
 * full budget serves.
 */
function yamlBudget(maxEntries: number): { entries: number; bytes: number } {
  return { entries: Math.floor(maxEntries / YAML_ENTRY_COST), bytes: MAX_YAML_APPLY_BYTES };
}

/**
 * An upper bound of the entries a YAML text holds, from its characters: a
 * mapping entry needs a `:` (or `?`), a block list item a `-`, a flow
 * collection's entries are separated by `,` and opened by `[` or `{`. It
 * counts those characters in strings and block scalars too, so it may
 * overcount, never undercount (aliases aside, which the yaml library bounds
 * and the Api's own count meets after parsing).
 */
function yamlEntriesBound(text: string): number {
  let bound = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // : - , ? [ {
    if (c === 58 || c === 45 || c === 44 || c === 63 || c === 91 || c === 123) bound++;
  }
  return bound;
}

/**
 * An apply configuration: JSON (what kubectl sends) or YAML; duplicate keys
 * and malformed text are a 400. JSON is refused over `maxEntries` entries
 * before it is parsed (`assertBodyShape`, a 422 for `kind` `name`); YAML,
 * far costlier to parse, over a fortieth of them or over
 * `MAX_YAML_APPLY_BYTES` (a 413).
 */
function parseApplyConfiguration(text: string, maxEntries: number, kind: string, name: string): unknown {
  const json = /^\s*[{[]/.test(text);
  if (json) assertBodyShape(text, maxEntries, kind, name);
  try {
    return JSON.parse(text);
  } catch {
    const budget = yamlBudget(maxEntries);
    if (text.length > budget.bytes || yamlEntriesBound(text) > budget.entries) {
      throw new HttpStatusError(
        413,
        'RequestEntityTooLarge',
        `a YAML apply configuration may hold at most ${budget.entries} entries and ${budget.bytes} bytes (YAML costs ${YAML_ENTRY_COST} times as much to parse as JSON); send it as JSON, served up to ${maxEntries} entries`,
      );
    }
    try {
      return parseYaml(text, { schema: 'core', uniqueKeys: true });
    } catch (err) {
      const detail = err instanceof Error ? err.message.split('\n')[0] : 'malformed YAML';
      throw new HttpStatusError(400, 'BadRequest', `the apply configuration is neither JSON nor YAML: ${detail}`);
    }
  }
}

/** Thrown out of the rewrite to answer kube-apiserver's 409 for an apply conflict. */
class ApplyConflictAnswer extends Error {
  constructor(readonly status: unknown) {
    super('apply conflict');
  }
}

/**
 * `PATCH` with `application/apply-patch+yaml`: server-side apply. Creates
 * the object (201) when it does not exist, otherwise merges the
 * configuration into it (200) through the Api's update pipeline; fields
 * other managers own are a 409 with one cause per field unless `force=true`.
 * `fieldManager` is required, as in Kubernetes.
 */
export async function applyObject(r: RestRequest, s: RestServices): Promise<void> {
  const write = writeQueryOf(r.query);
  if (!r.query.get('fieldManager')) {
    throw new HttpStatusError(
      400,
      'BadRequest',
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  }
  const text = (await readBody(r.req, s.bodyLimit)).toString('utf8');
  const applied = parseApplyConfiguration(text, s.bodyEntries, r.type.kind, r.info.name);
  const manager = fieldManagerOf(r);
  const run = (live: KubeObject | undefined) => {
    const result = serverSideApply({
      live: live as Record<string, unknown> | undefined,
      applied,
      fieldManager: manager,
      force: write.force,
      now: new Date(s.clock.now()),
    });
    if (result.outcome === 'conflict') throw new ApplyConflictAnswer(result.status);
    return result.object as unknown as KubeObject;
  };
  try {
    let exists = true;
    try {
      await getStored(r);
    } catch (err) {
      if (!isReason(err, 'NotFound')) throw err;
      exists = false;
    }
    if (!exists) {
      const obj = run(undefined);
      obj.metadata ??= { name: r.info.name };
      const meta = obj.metadata;
      if (meta.name !== undefined && meta.name !== r.info.name) {
        throw new HttpStatusError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
      }
      meta.name = r.info.name;
      if (r.type.namespaced) meta.namespace = r.info.namespace;
      const created = await r.client.create(obj, { dryRun: write.dryRun, requester: r.user, fieldManager: manager });
      writeJson(r.res, 201, r.view.object(created));
      return;
    }
    const options = { dryRun: write.dryRun, requester: r.user, fieldManager: manager };
    const updated = await r.client.rewrite(objectRef(r), options, (stored) => run(stored));
    writeJson(r.res, 200, r.view.object(updated));
  } catch (err) {
    if (!(err instanceof ApplyConflictAnswer)) throw err;
    writeJson(r.res, 409, err.status);
  }
}
