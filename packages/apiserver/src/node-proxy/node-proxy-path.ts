/**
 * The agent path a `nodes/<name>/proxy/<path>` request addresses: what
 * follows `/proxy` in the request path (each segment already checked by the
 * request-info parser: no `..`, no encoded slashes), with the query.
 */
export function nodeProxyPath(requestPath: string, query: URLSearchParams): string {
  // ['', 'api', 'v1', 'nodes', <name>, 'proxy', ...rest]
  const rest = requestPath.split('/').slice(6);
  const search = query.toString();
  return `/${rest.join('/')}${search ? `?${search}` : ''}`;
}
