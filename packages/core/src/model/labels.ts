import { BadRequestError, type FieldError } from '../errors/api-errors.js';
import { appendErrors, forbidden, invalid, invalidEach, notSupported, required } from '../validation/field-errors.js';
import { listIsFull } from '../validation/listed-errors.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';
import type { LabelSelector, LabelSelectorRequirement } from './meta.js';

/**
 * Label selectors in both of Kubernetes' forms: the structured
 * `{ matchLabels, matchExpressions }` and the string syntax
 * `a=b,c in (d,e),!f` used by list calls and `kubectl -l`.
 */

/** Decides whether a set of labels is selected. Built once by `compileLabelSelector`, then called on hot paths. */
export interface LabelMatcher {
  /** True if `labels` satisfy every requirement. Missing labels are treated as an empty set. */
  matches(labels: Record<string, string> | undefined): boolean;
  /** True when the selector has no requirements and therefore matches everything. */
  readonly empty: boolean;
}

const operators: readonly LabelSelectorRequirement['operator'][] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

// ---- lexer -------------------------------------------------------------------------------------

type TokenKind = 'ident' | 'in' | 'notin' | '=' | '==' | '!=' | '!' | '>' | '<' | '(' | ')' | ',' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  /** 0-based offset in the selector string, for error messages. */
  pos: number;
}

/** Characters that end an identifier (`<` and `>` are the Gt and Lt operators of `a>1`, `a<1`). */
const special = new Set(['=', '!', '(', ')', ',', '<', '>']);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '==' || two === '!=') {
      tokens.push({ kind: two, text: two, pos: i });
      i += 2;
    } else if (c === '=' || c === '!' || c === '(' || c === ')' || c === ',' || c === '<' || c === '>') {
      tokens.push({ kind: c, text: c, pos: i });
      i++;
    } else {
      const start = i;
      while (i < text.length && !special.has(text[i]!) && !isSpace(text[i]!)) i++;
      const word = text.slice(start, i);
      const kind: TokenKind = word === 'in' ? 'in' : word === 'notin' ? 'notin' : 'ident';
      tokens.push({ kind, text: word, pos: start });
    }
  }
  tokens.push({ kind: 'end', text: '', pos: text.length });
  return tokens;
}

// ---- parser ------------------------------------------------------------------------------------

/** A `key>n` / `key<n` requirement: string selectors only (a structured LabelSelector has no such operator). */
interface NumericRequirement {
  key: string;
  operator: 'Gt' | 'Lt';
  value: bigint;
}

/** A parsed selector string: the part a LabelSelector can hold, and the Gt/Lt requirements. */
interface ParsedSelector {
  selector: LabelSelector;
  numeric: NumericRequirement[];
}

/** Go's `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits, within int64; undefined otherwise. */
function parseInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const v = BigInt(text);
  return v < -(2n ** 63n) || v >= 2n ** 63n ? undefined : v;
}

class SelectorParser {
  private at = 0;
  private readonly tokens: Token[];
  private readonly numeric: NumericRequirement[] = [];

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  parse(): ParsedSelector {
    return { selector: this.parseSelector(), numeric: this.numeric };
  }

  private parseSelector(): LabelSelector {
    const matchLabels: Record<string, string> = {};
    const matchExpressions: LabelSelectorRequirement[] = [];
    if (this.peek().kind === 'end') return {};
    for (;;) {
      this.requirement(matchLabels, matchExpressions);
      const t = this.next();
      if (t.kind === 'end') break;
      if (t.kind !== ',') this.fail(t, 'expected "," or end of selector');
    }
    const sel: LabelSelector = {};
    if (Object.keys(matchLabels).length > 0) sel.matchLabels = matchLabels;
    if (matchExpressions.length > 0) sel.matchExpressions = matchExpressions;
    return sel;
  }

  private requirement(matchLabels: Record<string, string>, exprs: LabelSelectorRequirement[]): void {
    if (this.peek().kind === '!') {
      this.next();
      exprs.push({ key: this.key(), operator: 'DoesNotExist' });
      return;
    }
    const key = this.key();
    const op = this.peek();
    switch (op.kind) {
      case ',':
      case 'end':
        exprs.push({ key, operator: 'Exists' });
        return;
      case '=':
      case '==': {
        this.next();
        const value = this.value();
        // A second equality on the same key must still be required (`a=b,a=c` selects nothing), so
        // it becomes an `In` rather than overwriting the first.
        if (key in matchLabels) exprs.push({ key, operator: 'In', values: [value] });
        else matchLabels[key] = value;
        return;
      }
      case '!=':
        this.next();
        exprs.push({ key, operator: 'NotIn', values: [this.value()] });
        return;
      case 'in':
      case 'notin':
        this.next();
        exprs.push({ key, operator: op.kind === 'in' ? 'In' : 'NotIn', values: this.valueSet() });
        return;
      case '>':
      case '<': {
        this.next();
        const t = this.peek();
        const value = parseInt64(this.value());
        if (value === undefined) this.fail(t, `for '${op.kind}', the value must be an integer`);
        this.numeric.push({ key, operator: op.kind === '>' ? 'Gt' : 'Lt', value });
        return;
      }
      default:
        this.fail(op, 'expected one of =, ==, !=, in, notin, >, <, "," or end of selector');
    }
  }

  private key(): string {
    const t = this.next();
    if (t.kind !== 'ident' && t.kind !== 'in' && t.kind !== 'notin') this.fail(t, 'expected a label key');
    const problems = isQualifiedName(t.text);
    if (problems.length > 0) this.fail(t, `invalid label key: ${problems.join('; ')}`);
    return t.text;
  }

  /** A single value; empty when the requirement ends right after the operator (`a=` selects `a: ""`). */
  private value(): string {
    const t = this.peek();
    if (t.kind === ',' || t.kind === 'end') return '';
    if (t.kind !== 'ident' && t.kind !== 'in' && t.kind !== 'notin') this.fail(t, 'expected a label value');
    this.next();
    return this.checkValue(t);
  }

  private valueSet(): string[] {
    const open = this.next();
    if (open.kind !== '(') this.fail(open, 'expected "(" after in/notin');
    const values: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'ident' || t.kind === 'in' || t.kind === 'notin') {
        this.next();
        values.push(this.checkValue(t));
      } else if (t.kind === ',' || t.kind === ')') {
        values.push(''); // an omitted value (`()`, `(,x)`) is the empty string, as in Kubernetes
      } else {
        this.fail(t, 'expected a label value, "," or ")"');
      }
      const sep = this.next();
      if (sep.kind === ')') break;
      if (sep.kind !== ',') this.fail(sep, 'expected "," or ")"');
    }
    return values;
  }

  private checkValue(t: Token): string {
    const problems = isValidLabelValue(t.text);
    if (problems.length > 0) this.fail(t, `invalid label value: ${problems.join('; ')}`);
    return t.text;
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    const t = this.tokens[this.at]!;
    if (t.kind !== 'end') this.at++;
    return t;
  }

  private fail(t: Token, expectation: string): never {
    const found = t.kind === 'end' ? 'end of selector' : `"${t.text}"`;
    throw new BadRequestError(
      `unable to parse label selector "${this.text}": found ${found} at position ${t.pos}, ${expectation}`,
    );
  }
}

/**
 * Parses Kubernetes' label selector string syntax into the structured form
 * (apimachinery's `ParseToLabelSelector`). `a=b` / `a==b` go to
 * `matchLabels`; `a!=b` becomes `NotIn [b]`; `a` is `Exists`; `!a` is
 * `DoesNotExist`. An empty string is the empty selector.
 *
 * Caveats: `a>1` and `a<1` parse (compileLabelSelector matches them) but
 * have no structured form, so this function refuses them, as Kubernetes does.
 *
 * @throws BadRequestError naming the offending token and its position, or the bad key/value.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const parsed = new SelectorParser(text).parse();
  if (parsed.numeric.length > 0) {
    throw new BadRequestError(
      `unable to convert label selector "${text}": the '${parsed.numeric[0].operator}' operator of "${parsed.numeric[0].key}" has no LabelSelector form (matchExpressions take In, NotIn, Exists, DoesNotExist)`,
    );
  }
  return parsed.selector;
}

// ---- formatting --------------------------------------------------------------------------------

const operatorRank: Record<LabelSelectorRequirement['operator'], number> = {
  In: 0,
  NotIn: 1,
  Exists: 2,
  DoesNotExist: 3,
};

/**
 * Formats a structured selector in the string syntax, canonically: one
 * requirement per term, sorted by key (then by operator and values), set
 * values sorted. `parseLabelSelector(formatLabelSelector(s))` selects exactly
 * what `s` selects. The empty selector formats as `''`.
 */
export function formatLabelSelector(sel: LabelSelector): string {
  const terms: { key: string; rank: number; text: string }[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    terms.push({ key, rank: -1, text: `${key}=${value}` });
  }
  for (const r of sel.matchExpressions ?? []) {
    const values = [...(r.values ?? [])].sort();
    let text: string;
    switch (r.operator) {
      case 'In':
        text = `${r.key} in (${values.join(',')})`;
        break;
      case 'NotIn':
        text = values.length === 1 ? `${r.key}!=${values[0]}` : `${r.key} notin (${values.join(',')})`;
        break;
      case 'Exists':
        text = r.key;
        break;
      case 'DoesNotExist':
        text = `!${r.key}`;
        break;
    }
    terms.push({ key: r.key, rank: operatorRank[r.operator], text });
  }
  terms.sort((a, b) =>
    a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.rank !== b.rank ? a.rank - b.rank : a.text < b.text ? -1 : 1,
  );
  return terms.map((t) => t.text).join(',');
}

// ---- matching ----------------------------------------------------------------------------------

/**
 * One compiled requirement, as a plain closure: cheaper than re-dispatching on
 * the operator per call. Value comparisons skip an own-property check because
 * inherited properties (`constructor`, ...) are never strings.
 */
type Check = (labels: Record<string, string>) => boolean;

const has = Object.prototype.hasOwnProperty;

function compileRequirement(r: LabelSelectorRequirement): Check {
  const key = r.key;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'Exists':
      return (l) => has.call(l, key);
    case 'DoesNotExist':
      return (l) => !has.call(l, key);
    case 'In': {
      if (values.length === 1) {
        const v = values[0];
        return (l) => l[key] === v;
      }
      const set = new Set(values);
      return (l) => set.has(l[key]!);
    }
    case 'NotIn': {
      if (values.length === 1) {
        const v = values[0];
        return (l) => l[key] !== v;
      }
      const set = new Set(values);
      return (l) => !set.has(l[key]!);
    }
    default:
      throw new BadRequestError(
        `label selector operator "${String(r.operator)}" is not supported; use one of ${operators.join(', ')}`,
      );
  }
}

const noLabels: Record<string, string> = Object.freeze({}) as Record<string, string>;

const everything: LabelMatcher = { empty: true, matches: () => true };
const nothing: LabelMatcher = { empty: false, matches: () => false };

/** `key>n` / `key<n`: the label must be present and an int64 (Kubernetes' Requirement.Matches). */
function compileNumeric(r: NumericRequirement): Check {
  return (l) => {
    const have = has.call(l, r.key) ? parseInt64(l[r.key]!) : undefined;
    if (have === undefined) return false;
    return r.operator === 'Gt' ? have > r.value : have < r.value;
  };
}

/**
 * Compiles a selector (string or structured) into a matcher: the entry point
 * for list and watch calls and `kubectl -l` strings (apimachinery's
 * `labels.Parse`). Compile once and reuse: matching then costs a few property
 * reads per requirement. Selector strings are remembered, so compiling the
 * same string again is a map lookup.
 *
 * Guarantees: `undefined`, `''` and `{}` match every object, including
 * objects without labels (a list call without a selector lists everything).
 * `NotIn` and `DoesNotExist` match objects that lack the key. Strings take
 * `a>1` / `a<1` (Gt, Lt: the label must be an integer). A structured
 * requirement Kubernetes would refuse (`In` without values, `Exists` with
 * values, a bad key or value) fails here, not only in validation.
 *
 * Caveats: a workload's `spec.selector` left unset selects NOTHING in
 * Kubernetes (`LabelSelectorAsSelector(nil)`); use `labelSelectorAsMatcher`
 * for object fields, this function for list-call selectors.
 *
 * @throws BadRequestError for a bad selector string or requirement.
 */
export function compileLabelSelector(sel: string | LabelSelector | undefined): LabelMatcher {
  if (sel === undefined) return everything;
  if (typeof sel !== 'string') return compileStructured({ selector: sel, numeric: [] }, true);
  const cached = compiledByText.get(sel);
  if (cached) return cached;
  const matcher = compileStructured(new SelectorParser(sel).parse(), false);
  // Cleared rather than evicted one by one: callers reuse a handful of selector strings.
  if (compiledByText.size >= COMPILED_CACHE_SIZE) compiledByText.clear();
  compiledByText.set(sel, matcher);
  return matcher;
}

/** How many selector strings keep their compiled matcher (list calls pass the same few again and again). */
const COMPILED_CACHE_SIZE = 1024;
/** Compiled matchers by selector text; safe to share because a matcher holds no mutable state. */
const compiledByText = new Map<string, LabelMatcher>();

/**
 * Kubernetes' `metav1.LabelSelectorAsSelector`, the entry point for a
 * selector held in an object (`spec.selector` of a workload, a PDB, a
 * spread constraint): `undefined` or `null` selects NOTHING, `{}` selects
 * everything, requirements are checked as Kubernetes checks them.
 *
 * @throws BadRequestError naming the first bad requirement.
 */
export function labelSelectorAsMatcher(sel: LabelSelector | null | undefined): LabelMatcher {
  if (sel === undefined || sel === null) return nothing;
  return compileStructured({ selector: sel, numeric: [] }, true);
}

function compileStructured(parsed: ParsedSelector, check: boolean): LabelMatcher {
  const structured = parsed.selector;
  if (check) {
    const errs = validateLabelSelector(structured, 'selector');
    if (errs.length > 0) {
      throw new BadRequestError(`invalid label selector: ${errs.map((e) => `${e.field}: ${e.message}`).join(', ')}`);
    }
  }
  const eqKeys: string[] = [];
  const eqValues: string[] = [];
  for (const [k, v] of Object.entries(structured.matchLabels ?? {})) {
    eqKeys.push(k);
    eqValues.push(v);
  }
  const checks = [
    ...(structured.matchExpressions ?? []).map(compileRequirement),
    ...parsed.numeric.map(compileNumeric),
  ];
  if (eqKeys.length === 0 && checks.length === 0) return everything;
  const n = eqKeys.length;
  return {
    empty: false,
    matches(labels) {
      const l = labels ?? noLabels;
      for (let i = 0; i < n; i++) {
        const k = eqKeys[i]!;
        if (l[k] !== eqValues[i]) return false;
      }
      for (const check of checks) if (!check(l)) return false;
      return true;
    },
  };
}

// ---- validation --------------------------------------------------------------------------------

/**
 * Every problem with a structured selector, with paths under `path` (e.g.
 * `spec.selector`): label keys and values, known operators, and values present
 * exactly when the operator needs them.
 */
export function validateLabelSelector(sel: LabelSelector | undefined, path: string): FieldError[] {
  if (!sel) return [];
  const errs: FieldError[] = [];
  appendErrors(errs, validateLabels(sel.matchLabels, `${path}.matchLabels`));
  (sel.matchExpressions ?? []).forEach((r, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const hasValues = (r.values?.length ?? 0) > 0;
    switch (r.operator) {
      case 'In':
      case 'NotIn':
        if (!hasValues) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (hasValues)
          errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(notSupported(`${p}.operator`, r.operator, operators));
    }
    if (!r.key) errs.push(required(`${p}.key`));
    else errs.push(...invalidEach(`${p}.key`, r.key, isQualifiedName(r.key)));
    for (const [j, v] of (r.values ?? []).entries()) {
      errs.push(...invalidEach(`${p}.values[${j}]`, v, isValidLabelValue(v)));
    }
  });
  return errs;
}

/**
 * The problems with a label map (keys are qualified names, values label
 * values), reported at `path`; the check stops once `MAX_LISTED_ERRORS` are
 * found. Own members only, as with `Object.entries`.
 */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  if (!labels) return [];
  const errs: FieldError[] = [];
  // for...in, not Object.entries: a map of 200,000 labels would allocate a pair per entry.
  for (const k in labels) {
    if (listIsFull(errs)) break;
    if (!Object.hasOwn(labels, k)) continue;
    const v = labels[k];
    const keyProblems = isQualifiedName(k);
    if (keyProblems.length > 0) appendErrors(errs, invalidEach(path, k, keyProblems));
    if (typeof v !== 'string') errs.push(invalid(`${path}.${k}`, v, 'label values must be strings'));
    else {
      const valueProblems = isValidLabelValue(v);
      if (valueProblems.length > 0) appendErrors(errs, invalidEach(path, v, valueProblems));
    }
  }
  return errs;
}
