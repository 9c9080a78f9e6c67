import { isReason, type KubeObject } from '@flotilla/core';
import { parse as parseYaml } from 'yaml';
import { HttpStatusError } from '../errors/http-status-error.js';
import { serverSideApply } from '../patch/index.js';
import { writeJson } from '../server/respond.js';
import { readBody } from './body.js';
import { fieldManagerOf } from './field-manager.js';
import { writeQueryOf } from './query.js';
import { getStored, objectRef, type RestRequest, type RestServices } from './rest-request.js';

/** The Content-Type of a server-side apply. */
export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

/** An apply configuration: JSON (what kubectl sends) or YAML; duplicate keys and malformed text are a 400. */
function parseConfiguration(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
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
  const applied = parseConfiguration(await readBody(r.req, s.bodyLimit));
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
      const created = await r.client.create(obj, { dryRun: write.dryRun, requester: r.user });
      writeJson(r.res, 201, r.view.object(created));
      return;
    }
    const updated = await r.client.rewrite(objectRef(r), { dryRun: write.dryRun, requester: r.user }, (stored) =>
      run(stored),
    );
    writeJson(r.res, 200, r.view.object(updated));
  } catch (err) {
    if (!(err instanceof ApplyConflictAnswer)) throw err;
    writeJson(r.res, 409, err.status);
  }
}
