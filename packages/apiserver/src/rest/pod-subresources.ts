import { type DeleteOptions, type Eviction, InvalidError, type KubeObject } from '@flotilla/core';
import { HttpStatusError } from '../errors/http-status-error.js';
import type { Status } from '../errors/status.js';
import { writeJson } from '../server/respond.js';
import type { RestRequest, RestServices } from './rest-request.js';
import { readObjectBody } from './write.js';

const created = (): Status => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });

/**
 * `POST pods/<name>/binding` with a `Binding` (`target.name` the node): the
 * scheduler's write, done once and atomically by the Api.
 */
export async function bindPod(r: RestRequest, s: RestServices): Promise<void> {
  const body = await readObjectBody(r, s);
  const target = (body as { target?: { name?: unknown } }).target;
  if (typeof target?.name !== 'string' || target.name === '') {
    throw new InvalidError('Binding', r.info.name, [{ field: 'target.name', message: 'Required value' }]);
  }
  await s.api.bindPod({ namespace: r.info.namespace, name: r.info.name }, target.name);
  writeJson(r.res, 201, created());
}

/** An Api that evicts pods under their PodDisruptionBudgets (core grows `evictPod` for that). */
interface EvictingApi {
  evictPod(eviction: Eviction): Promise<unknown>;
}

function canEvict(api: unknown): api is EvictingApi {
  return typeof (api as Partial<EvictingApi>).evictPod === 'function';
}

/**
 * `POST pods/<name>/eviction` with an `Eviction`: through the Api's eviction
 * (which checks PodDisruptionBudgets) when it has one; otherwise a delete
 * with the eviction's options, as a cluster without budgets evicts.
 */
export async function evictPod(r: RestRequest, s: RestServices): Promise<void> {
  const body = (await readObjectBody(r, s)) as Partial<Eviction>;
  const name = body.metadata?.name ?? r.info.name;
  if (name !== r.info.name) {
    throw new HttpStatusError(400, 'BadRequest', 'name in URL does not match name in Eviction object');
  }
  const eviction: Eviction = {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name, namespace: r.info.namespace },
    ...(body.deleteOptions ? { deleteOptions: body.deleteOptions } : {}),
  };
  if (canEvict(s.api)) {
    await s.api.evictPod(eviction);
  } else {
    const options: DeleteOptions = { ...(eviction.deleteOptions ?? {}) };
    await s.api.resource<KubeObject>('Pod').delete(r.info.namespace, name, options);
  }
  writeJson(r.res, 201, created());
}
