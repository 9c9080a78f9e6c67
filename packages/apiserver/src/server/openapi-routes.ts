import type { ResourceRegistry } from '@flotilla/core';
import { openApiV2, openApiV3GroupVersion, openApiV3Index } from '../openapi/index.js';
import { parseAccept } from './media-type.js';
import type { PathDocument } from './request-handler.js';

const json = (body: unknown) => ({ body, contentType: 'application/json' });

/**
 * `/openapi/v2` in JSON. kubectl asks for it in protobuf only (while
 * applying client-side) and takes a 404 as "none": answering JSON to a
 * protobuf-only Accept would break it, so that gets the 404.
 */
export function openApiV2Route(registry: ResourceRegistry): PathDocument {
  return (path, accept) => {
    if (path !== '/openapi/v2') return undefined;
    const types = parseAccept(accept).map((m) => m.type);
    const jsonAccepted = types.length === 0 || types.some((t) => t === 'application/json' || t === '*/*');
    return jsonAccepted ? json(openApiV2(registry)) : undefined;
  };
}

/** `/openapi/v3` (the index kubectl reads first) and `/openapi/v3/api/v1`, `/openapi/v3/apis/<group>/<version>`. */
export function openApiV3Route(registry: ResourceRegistry): PathDocument {
  return (path) => {
    const parts = path.split('/').filter((p) => p !== '');
    if (parts.length === 2) return json(openApiV3Index(registry));
    if (parts[2] === 'api' && parts.length === 4) return wrap(openApiV3GroupVersion(registry, '', parts[3]!));
    if (parts[2] === 'apis' && parts.length === 5) return wrap(openApiV3GroupVersion(registry, parts[3]!, parts[4]!));
    return undefined;
  };
}

function wrap(doc: unknown) {
  return doc === undefined ? undefined : json(doc);
}
