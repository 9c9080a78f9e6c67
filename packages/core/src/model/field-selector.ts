import { BadRequestError } from '../errors/api-errors.js';
import type { KubeObject } from './meta.js';

/**
 * Field selectors: Kubernetes' `fieldSelector` query (`spec.nodeName=n1,status.phase!=Failed`).
 */

/** Decides whether an object is selected by a field selector. */
export interface FieldMatcher {
  /** True if every term holds for `obj`. */
  matches(obj: KubeObject): boolean;
  /** True when there are no terms, so everything matches. */
  readonly empty: boolean;
}

/** One parsed `path op value` term of a field selector. */
export interface FieldRequirement {
  /** Dotted path, e.g. `spec.nodeName`. */
  field: string;
  operator: '=' | '!=';
  value: string;
}

/**
 * Splits `text` on unescaped `sep`, keeping backslash escapes in place for
 * the next stage. Kubernetes escapes `\`, `,` and `=` in field values.
 */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unescapeValue(value: string, term: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '=') {
      throw new BadRequestError(`invalid field selector term "${term}": unescaped "=" in value; write it as \\=`);
    }
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = value[++i];
    if (next !== '\\' && next !== ',' && next !== '=') {
      throw new BadRequestError(
        `invalid field selector term "${term}": only \\\\, \\, and \\= may be escaped; escape a literal backslash as \\\\`,
      );
    }
    out += next;
  }
  return out;
}

const fieldPathRe = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Parses a field selector string into its terms. Operators are `=`, `==`
 * (same as `=`) and `!=`; values may escape `\`, `,` and `=` with a backslash.
 *
 * @throws BadRequestError for a term without an operator, a bad field path or a bad escape.
 */
export function parseFieldSelector(text: string): FieldRequirement[] {
  if (text.trim() === '') return [];
  return splitUnescaped(text, ',').map((raw) => {
    const term = raw.trim();
    const m = /^([^=!\s]+)\s*(!=|==|=)(.*)$/s.exec(term);
    if (!m) {
      throw new BadRequestError(
        `invalid field selector term "${term}": expected <field>=<value>, <field>==<value> or <field>!=<value>`,
      );
    }
    const field = m[1]!;
    if (!fieldPathRe.test(field)) {
      throw new BadRequestError(
        `invalid field selector term "${term}": "${field}" is not a dotted field path like spec.nodeName`,
      );
    }
    return { field, operator: m[2] === '!=' ? '!=' : '=', value: unescapeValue(m[3]!, term) };
  });
}

/**
 * Reads a dotted path from an object the way Kubernetes' field selectors see
 * it: a missing field or a non-scalar one reads as `''`, so
 * `spec.nodeName=` selects unscheduled pods.
 */
function compileReader(field: string): (obj: KubeObject) => string {
  const path = field.split('.');
  return (obj) => {
    let cur: unknown = obj;
    for (const seg of path) {
      if (cur === null || typeof cur !== 'object') return '';
      cur = (cur as Record<string, unknown>)[seg];
    }
    if (typeof cur === 'string') return cur;
    if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
    return '';
  };
}

const everything: FieldMatcher = { empty: true, matches: () => true };

/**
 * Compiles a field selector for repeated matching. Any dotted path is read
 * generically; `metadata.name`, `metadata.namespace`, `spec.nodeName` and
 * `status.phase` are the ones Kubernetes (and Flotilla's callers) rely on.
 *
 * Guarantees: `undefined` and `''` match everything; a missing field reads
 * as `''` (cluster-scoped objects have `metadata.namespace` `''`).
 *
 * Caveats: unlike Kubernetes, any field path is accepted rather than a
 * per-kind allow-list; a typo in the path therefore selects by `''`.
 *
 * @throws BadRequestError for unknown syntax.
 */
export function compileFieldSelector(text: string | undefined): FieldMatcher {
  if (text === undefined) return everything;
  const terms = parseFieldSelector(text).map((r) => ({
    read: compileReader(r.field),
    equal: r.operator === '=',
    value: r.value,
  }));
  if (terms.length === 0) return everything;
  return {
    empty: false,
    matches(obj) {
      for (const t of terms) if ((t.read(obj) === t.value) !== t.equal) return false;
      return true;
    },
  };
}
