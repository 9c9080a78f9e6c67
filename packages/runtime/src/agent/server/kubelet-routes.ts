/** A request to the node agent's API, parsed and with every name checked. */
export type KubeletRoute =
  | { kind: 'healthz' | 'pods' | 'statsSummary' | 'metricsResource' }
  | { kind: 'containerLogs'; namespace: string; pod: string; container: string }
  | { kind: 'exec' | 'attach'; namespace: string; pod: string; uid?: string; container: string }
  | { kind: 'portForward'; namespace: string; pod: string; uid?: string };

/** A path that names something invalid: the field and why (answered with 400, nothing is touched). */
export class RouteError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const UID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Checks one decoded path segment against the name rules of its field, so
 * that `..`, slashes, NUL bytes and anything else a file or runtime lookup
 * could misread never get past the router.
 */
function name(field: string, value: string, rule: 'label' | 'subdomain' | 'uid'): string {
  const [pattern, max, what] =
    rule === 'label'
      ? [DNS_LABEL, 63, 'a DNS-1123 label']
      : rule === 'subdomain'
        ? [DNS_SUBDOMAIN, 253, 'a DNS-1123 subdomain']
        : [UID, 64, 'a UID'];
  if (value.length > max || !pattern.test(value)) {
    throw new RouteError(field, `${field}: ${JSON.stringify(value.slice(0, 80))} is not ${what}`);
  }
  return value;
}

/**
 * Parses the kubelet's paths: `/healthz`, `/pods`, `/stats/summary`,
 * `/metrics/resource`, `/containerLogs/{namespace}/{pod}/{container}`,
 * `/exec|attach/{namespace}/{pod}[/{uid}]/{container}` and
 * `/portForward/{namespace}/{pod}[/{uid}]`. Segments are percent-decoded
 * before they are checked (an encoded `..%2F` is refused like a plain one).
 * Returns undefined for a path it does not serve; throws `RouteError` for
 * one it serves with an invalid name.
 */
export function parseKubeletPath(pathname: string): KubeletRoute | undefined {
  const raw = pathname.split('/').slice(1);
  if (raw.at(-1) === '' && raw.length > 1) raw.pop();
  let parts: string[];
  try {
    parts = raw.map((p) => decodeURIComponent(p));
  } catch {
    throw new RouteError('path', 'path: malformed percent-encoding');
  }
  const [head, ...rest] = parts;
  const joined = parts.join('/');
  if (joined === 'healthz') return { kind: 'healthz' };
  if (joined === 'pods') return { kind: 'pods' };
  if (joined === 'stats/summary') return { kind: 'statsSummary' };
  if (joined === 'metrics/resource') return { kind: 'metricsResource' };
  if (head === 'containerLogs' && rest.length === 3) {
    return {
      kind: 'containerLogs',
      namespace: name('namespace', rest[0], 'label'),
      pod: name('pod', rest[1], 'subdomain'),
      container: name('container', rest[2], 'label'),
    };
  }
  if ((head === 'exec' || head === 'attach') && (rest.length === 3 || rest.length === 4)) {
    return {
      kind: head,
      namespace: name('namespace', rest[0], 'label'),
      pod: name('pod', rest[1], 'subdomain'),
      ...(rest.length === 4 ? { uid: name('uid', rest[2], 'uid') } : {}),
      container: name('container', rest.at(-1) ?? '', 'label'),
    };
  }
  if (head === 'portForward' && (rest.length === 2 || rest.length === 3)) {
    return {
      kind: 'portForward',
      namespace: name('namespace', rest[0], 'label'),
      pod: name('pod', rest[1], 'subdomain'),
      ...(rest.length === 3 ? { uid: name('uid', rest[2], 'uid') } : {}),
    };
  }
  if (['containerLogs', 'exec', 'attach', 'portForward'].includes(head ?? '')) {
    throw new RouteError(
      'path',
      `path: /${head} takes namespace, pod${head === 'portForward' ? '' : ' and container'} names, got ${rest.length} segments`,
    );
  }
  return undefined;
}
