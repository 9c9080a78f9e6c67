import { type Eviction, InvalidError } from '@flotilla/core';
import { HttpStatusError } from '../errors/http-status-error.js';
import type { Status } from '../errors/status.js';
import { writeJson } from '../server/respond.js';
import type { RestRequest, RestServices } from './rest-request.js';
import { readObjectBody } from './write.js';

const created = (): Status => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });

/**
 * `POST pods/<name>/binding` with a `Binding` (`target.name` the node): the
 * scheduler's write, done once and atomically by the Api. A `metadata.uid`
 * in the Binding is a precondition, as in Kubernetes: a pod deleted and made
 * again under the same name is not bound by a stale decision.
 */
export async function bindPod(r: RestRequest, s: RestServices): Promise<void> {
  const body = (await readObjectBody(r, s)) as { target?: { name?: unknown }; metadata?: { uid?: unknown } };
  const target = body.target;
  if (typeof target?.name !== 'string' || target.name === '') {
    throw new InvalidError('Binding', r.info.name, [{ field: 'target.name', message: 'Required value' }]);
  }
  const uid = typeof body.metadata?.uid === 'string' && body.metadata.uid !== '' ? body.metadata.uid : undefined;
  await s.api.bindPod({ namespace: r.info.namespace, name: r.info.name, uid }, target.name, { requester: r.user });
  writeJson(r.res, 201, created());
}

/**
 * `POST pods/<name>/eviction` with an `Eviction`: the Api's eviction, which
 * deletes the pod only if its PodDisruptionBudgets allow one more
 * disruption (429 naming the budget otherwise).
 */
export async function evictPod(r: RestRequest, s: RestServices): Promise<void> {
  const body = (await readObjectBody(r, s)) as Partial<Eviction>;
  const name = body.metadata?.name ?? r.info.name;
  if (name !== r.info.name) {
    throw new HttpStatusError(400, 'BadRequest', 'name in URL does not match name in Eviction object');
  }
  const { gracePeriodSeconds, preconditions } = body.deleteOptions ?? {};
  await s.api.evict(r.info.namespace, name, { gracePeriodSeconds, preconditions, requester: r.user });
  writeJson(r.res, 201, created());
}
