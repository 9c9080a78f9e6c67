import { HttpStatusError } from '../errors/http-status-error.js';
import { serveNodeProxy } from '../node-proxy/node-proxy-http.js';
import { servePodLog } from '../node-proxy/pod-log.js';
import { subresourcesOf } from '../resources/subresources.js';
import { serveTokenRequest } from '../service-account-token/token-subresource.js';
import { serveWatch } from '../watch/watch-stream.js';
import { patchObject } from './patch.js';
import { bindPod, evictPod } from './pod-subresources.js';
import { getObject, listObjects } from './read.js';
import type { RestRequest, RestServices } from './rest-request.js';
import { serveScale } from './scale.js';
import { createObject, deleteCollection, deleteObject, updateObject } from './write.js';

function notAllowed(r: RestRequest): never {
  const what = r.info.subresource ? `${r.type.plural}/${r.info.subresource}` : r.type.plural;
  throw new HttpStatusError(405, 'MethodNotAllowed', `${r.req.method} is not supported on ${what}`);
}

function checkScope(r: RestRequest): void {
  if (!r.type.namespaced && r.info.namespace && r.type.kind !== 'Namespace') {
    throw new HttpStatusError(404, 'NotFound', `${r.type.plural} is cluster-scoped: its paths carry no namespace`);
  }
  const collectionAcrossNamespaces = !r.info.name && (r.info.verb === 'list' || r.info.verb === 'watch');
  if (r.type.namespaced && !r.info.namespace && !collectionAcrossNamespaces) {
    throw new HttpStatusError(
      404,
      'NotFound',
      `${r.type.plural} is namespaced: use /namespaces/<namespace>/${r.type.plural}`,
    );
  }
}

/** Serves the main resource: get, list, watch, create, update, patch, delete, deletecollection. */
async function serveMain(r: RestRequest, s: RestServices): Promise<void> {
  switch (r.info.verb) {
    case 'get':
      return getObject(r);
    case 'list':
      return listObjects(r);
    case 'watch':
      return serveWatch(r, s);
    case 'create':
      if (r.info.name) notAllowed(r);
      return createObject(r, s);
    case 'update':
      return updateObject(r, s);
    case 'patch':
      return patchObject(r, s);
    case 'delete':
      return deleteObject(r, s);
    case 'deletecollection':
      return deleteCollection(r, s);
    default:
      notAllowed(r);
  }
}

/**
 * Serves one REST request for a registered kind: the main resource and the
 * subresources the kind has (`status`, `scale`, pods' `binding` and
 * `eviction`); anything else is a 404 or 405 Status.
 */
export async function serveResource(r: RestRequest, s: RestServices): Promise<void> {
  checkScope(r);
  const sub = r.info.subresource;
  if (!sub) return serveMain(r, s);
  if (!subresourcesOf(r.type).some((x) => x.name === sub)) {
    throw new HttpStatusError(
      404,
      'NotFound',
      `the server could not find the requested resource (${r.type.plural}/${sub})`,
    );
  }
  switch (sub) {
    case 'status':
      if (r.info.verb === 'get') return getObject(r);
      if (r.info.verb === 'update') return updateObject(r, s);
      if (r.info.verb === 'patch') return patchObject(r, s);
      return notAllowed(r);
    case 'scale':
      return serveScale(r, s);
    case 'binding':
      if (r.info.verb !== 'create') notAllowed(r);
      return bindPod(r, s);
    case 'eviction':
      if (r.info.verb !== 'create') notAllowed(r);
      return evictPod(r, s);
    case 'log':
      if (r.info.verb !== 'get') notAllowed(r);
      return servePodLog(r, s);
    case 'exec':
    case 'attach':
    case 'portforward':
      throw new HttpStatusError(400, 'BadRequest', 'Upgrade request required');
    case 'proxy':
      return serveNodeProxy(r, s);
    case 'token':
      if (r.info.verb !== 'create') notAllowed(r);
      return serveTokenRequest(r, s);
    default:
      notAllowed(r);
  }
}
