/** One entry of an `Accept` or `Content-Type` header: `application/json;as=Table;g=meta.k8s.io;v=v1`. */
export interface MediaType {
  /** `type/subtype`, lower-case. */
  type: string;
  /** Parameters, names lower-case, values as sent. */
  params: Record<string, string>;
}

/** Parses one media type; `undefined` for an empty header. */
export function parseMediaType(text: string | undefined): MediaType | undefined {
  if (!text) return undefined;
  const [head, ...rest] = text.split(';');
  const type = head!.trim().toLowerCase();
  if (type === '') return undefined;
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    params[part.slice(0, eq).trim().toLowerCase()] = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { type, params };
}

/** Accept headers already parsed: a client sends the same few on every request. */
const parsedAccepts = new Map<string, readonly MediaType[]>();
/** Bounds the headers kept (anyone may send any header). */
const MAX_PARSED_ACCEPTS = 256;
const NONE: readonly MediaType[] = Object.freeze([]);

/**
 * Parses an `Accept` header into its entries, in the client's order
 * (kubectl lists its preference first). The answer is shared between
 * requests that send the same header: read it, never change it.
 */
export function parseAccept(header: string | undefined): readonly MediaType[] {
  if (!header) return NONE;
  let parsed = parsedAccepts.get(header);
  if (!parsed) {
    parsed = Object.freeze(
      header
        .split(',')
        .map((entry) => parseMediaType(entry))
        .filter((m): m is MediaType => m !== undefined)
        .map((m) => Object.freeze({ type: m.type, params: Object.freeze(m.params) })),
    );
    if (parsedAccepts.size < MAX_PARSED_ACCEPTS) parsedAccepts.set(header, parsed);
  }
  return parsed;
}

/** True if `m` asks for the kind `as` of group `g`, version `v` (the Kubernetes way to negotiate a view). */
export function asksFor(m: MediaType, as: string, group: string, version: string): boolean {
  return m.params.as === as && m.params.g === group && m.params.v === version;
}
