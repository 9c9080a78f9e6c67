import type { TokenRequest } from '@flotilla/core';
import { HttpStatusError } from '../errors/http-status-error.js';
import type { RestRequest, RestServices } from '../rest/rest-request.js';
import { readObjectBody } from '../rest/write.js';
import { writeJson } from '../server/respond.js';

/**
 * `POST serviceaccounts/<name>/token` with an authentication.k8s.io/v1
 * `TokenRequest` (JSON or protobuf, as `kubectl create token` sends it):
 * 201 with the request and its `status.token`, signed with the server's
 * cluster key.
 */
export async function serveTokenRequest(r: RestRequest, s: RestServices): Promise<void> {
  const issuer = s.serviceAccountTokens;
  if (!issuer) {
    throw new HttpStatusError(404, 'NotFound', 'this server issues no service account tokens (no signing key)');
  }
  const body = await readObjectBody(r, s);
  if (body.kind !== undefined && body.kind !== 'TokenRequest') {
    throw new HttpStatusError(400, 'BadRequest', `the body is a ${String(body.kind)}, not a TokenRequest`);
  }
  if (body.apiVersion !== undefined && body.apiVersion !== 'authentication.k8s.io/v1') {
    throw new HttpStatusError(
      400,
      'BadRequest',
      `TokenRequest is served as authentication.k8s.io/v1, not ${String(body.apiVersion)}`,
    );
  }
  const request = { ...body, spec: body.spec ?? {} } as unknown as TokenRequest;
  writeJson(r.res, 201, await issuer.issue(s.api, r.info.namespace, r.info.name, request));
}
