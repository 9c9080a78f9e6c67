import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  Api,
  ApiResourceClient,
  Clock,
  KubeObject,
  ResourceType,
  ServiceAccountTokenIssuer,
  UserInfo,
} from '@flotilla/core';
import type { ServedVersion } from '../conversion/served-version.js';
import { HttpStatusError } from '../errors/http-status-error.js';
import type { KubeletClientOptions } from '../node-proxy/kubelet-client.js';
import type { RequestInfo } from '../server/request-info.js';
import type { Printers } from '../table/printers.js';
import type { WatchOptions } from '../watch/watch-options.js';
import type { PatchAppliers } from './patch-appliers.js';
import type { ResponseView } from './view.js';

/** What every REST request of one server shares. */
export interface RestServices {
  api: Api;
  clock: Clock;
  printers: Printers;
  patchers: PatchAppliers;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Most entries a JSON body may hold (`ServerLimits.maxBodyEntries`). */
  bodyEntries: number;
  watch: WatchOptions;
  /** How pods' logs, exec and port-forward reach node agents. */
  kubelet: KubeletClientOptions;
  /** Signs `serviceaccounts/token` answers; absent, that subresource is a 404. */
  serviceAccountTokens?: ServiceAccountTokenIssuer;
}

/** One REST request, resolved to the kind and client it addresses. */
export interface RestRequest {
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  query: URLSearchParams;
  type: ResourceType;
  client: ApiResourceClient;
  view: ResponseView;
  /** Present when the URL's version is served by converting to and from the stored one. */
  conversion?: ServedVersion;
  /** Aborted when the client goes away or the server stops. */
  signal: AbortSignal;
  /** Who the request acts for (after impersonation): the requester of its writes, as admission sees it. */
  user: UserInfo;
}

/** The stored object the request names, read by the kind's scope. */
export function getStored(r: RestRequest): Promise<KubeObject> {
  return r.type.namespaced ? r.client.get(r.info.namespace, r.info.name) : r.client.get(r.info.name);
}

/** The object reference `rewrite` takes. */
export function objectRef(r: RestRequest): { namespace?: string; name: string } {
  return r.type.namespaced ? { namespace: r.info.namespace, name: r.info.name } : { name: r.info.name };
}

/**
 * Checks that a body is an object of this request's kind and puts it in the
 * path's namespace: a body naming another kind, version, namespace or (for
 * updates) name is a 400, as in Kubernetes. A body in a version served by
 * conversion comes back in the stored version.
 */
export function adoptBody(r: RestRequest, body: Record<string, unknown>, expectName: boolean): KubeObject {
  const apiVersion = r.type.group ? `${r.type.group}/${r.type.version}` : r.type.version;
  if (body.kind !== undefined && body.kind !== r.type.kind) {
    throw new HttpStatusError(400, 'BadRequest', `the body is a ${String(body.kind)}, not a ${r.type.kind}`);
  }
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
    throw new HttpStatusError(
      400,
      'BadRequest',
      `${r.type.kind} is served as ${apiVersion}, not ${String(body.apiVersion)}`,
    );
  }
  const metadata = body.metadata ?? {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new HttpStatusError(400, 'BadRequest', 'metadata must be an object');
  }
  const meta = metadata as Record<string, unknown>;
  if (r.type.namespaced) {
    if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== r.info.namespace) {
      throw new HttpStatusError(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    meta.namespace = r.info.namespace;
  }
  if (expectName && meta.name !== r.info.name) {
    throw new HttpStatusError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
  }
  const adopted = { ...body, apiVersion, kind: r.type.kind, metadata: meta } as KubeObject;
  return r.conversion ? r.conversion.toStored(adopted) : adopted;
}
