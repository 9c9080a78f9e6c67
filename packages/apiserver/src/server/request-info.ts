import { HttpStatusError } from '../errors/http-status-error.js';

/**
 * What a request path and method ask for, as Kubernetes' `RequestInfoFactory`
 * reads them: `/api/v1/namespaces/default/pods/web/status` is the `status`
 * subresource of pod `web` in `default`, core group, version `v1`.
 */
export interface RequestInfo {
  /** True for object paths under `/api/<v>/` and `/apis/<g>/<v>/` that name a resource. */
  resourceRequest: boolean;
  path: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection; lower-case method for other paths. */
  verb: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
}

/** The subresources of namespaces whose paths look like a namespaced resource (`/namespaces/x/status`). */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** One decoded path segment; dot segments and encoded slashes are refused so a name can never walk a path. */
function segment(raw: string): string {
  let text = raw;
  if (raw.includes('%')) {
    try {
      text = decodeURIComponent(raw);
    } catch {
      throw new HttpStatusError(400, 'BadRequest', `malformed percent-encoding in path segment "${raw}"`);
    }
  }
  if (text === '.' || text === '..' || text.includes('/') || text.includes('\0')) {
    throw new HttpStatusError(400, 'BadRequest', `invalid path segment ${JSON.stringify(text)}`);
  }
  return text;
}

function isWatch(query: URLSearchParams): boolean {
  const watch = query.get('watch');
  return watch === 'true' || watch === '1';
}

/** Reads the request attributes of `method` on `url` (path and query). */
export function requestInfoOf(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    resourceRequest: false,
    path: pathname,
    verb: method.toLowerCase(),
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    name: '',
    subresource: '',
  };
  const parts = pathname.split('/').filter((p) => p !== '');
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    info.apiVersion = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    info.apiGroup = parts[1]!;
    info.apiVersion = parts[2]!;
    rest = parts.slice(3);
  } else {
    return info;
  }
  rest = rest.map(segment);
  if (rest[0] === 'namespaces' && rest.length > 1) {
    info.namespace = rest[1]!;
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  // Only `proxy` takes a path of its own after the subresource (`nodes/n1/proxy/stats/summary`).
  if (rest.length > 3 && rest[2] !== 'proxy') {
    throw new HttpStatusError(404, 'NotFound', `the server could not find the requested resource`);
  }
  info.resourceRequest = true;
  info.resource = rest[0] ?? '';
  info.name = rest[1] ?? '';
  info.subresource = rest[2] ?? '';
  info.verb = verbOf(method, info.name, query);
  return info;
}

function verbOf(method: string, name: string, query: URLSearchParams): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (isWatch(query)) return 'watch';
      return name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}
