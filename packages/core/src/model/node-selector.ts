import { isQualifiedName, isValidLabelValue } from '../validation/names.js';
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec } from './core-v1.js';

/**
 * A base-10 integer as Go's `strconv.ParseInt` reads it (optional sign, digits
 * only), or NaN: Kubernetes compares Gt and Lt values only when both sides
 * parse. A loop rather than a regular expression, on the scheduler's filter path.
 */
function parseInteger(text: string): number {
  const start = text.charCodeAt(0) === 43 || text.charCodeAt(0) === 45 ? 1 : 0; // '+' or '-'
  if (start === text.length) return Number.NaN;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return Number.NaN;
  }
  return Number(text);
}

/** One requirement over a label or field value that may be absent. */
function requirementHolds(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const have = parseInteger(value);
      const bound = parseInteger(values[0] ?? '');
      // A NaN on either side makes both comparisons false, as a parse error does in Kubernetes.
      return req.operator === 'Gt' ? have > bound : have < bound;
    }
  }
}

/**
 * Whether a label requirement parses as Kubernetes' `labels.NewRequirement`
 * accepts it: a qualified key; In/NotIn with at least one valid label value;
 * Exists/DoesNotExist with none; Gt/Lt with exactly one integer.
 */
function labelRequirementParses(r: NodeSelectorRequirement): boolean {
  const values = r.values ?? [];
  if (isQualifiedName(r.key).length > 0) return false;
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      return values.length > 0 && values.every((v) => isValidLabelValue(v).length === 0);
    case 'Exists':
    case 'DoesNotExist':
      return values.length === 0;
    case 'Gt':
    case 'Lt':
      return values.length === 1 && !Number.isNaN(parseInteger(values[0]));
    default:
      return false;
  }
}

/** A field requirement parses when it is `metadata.name` In/NotIn exactly one value (Kubernetes' field selector form). */
function fieldRequirementParses(r: NodeSelectorRequirement): boolean {
  return r.key === 'metadata.name' && (r.operator === 'In' || r.operator === 'NotIn') && r.values?.length === 1;
}

/** Per term object: whether every requirement parses (terms are immutable specs, checked once, not per node). */
const parsedTerms = new WeakMap<object, boolean>();

function termParses(term: Readonly<NodeSelectorTerm>): boolean {
  let ok = parsedTerms.get(term);
  if (ok === undefined) {
    ok =
      (term.matchExpressions ?? []).every(labelRequirementParses) &&
      (term.matchFields ?? []).every(fieldRequirementParses);
    parsedTerms.set(term, ok);
  }
  return ok;
}

/**
 * Whether one node selector term matches a node: every label expression
 * (`matchExpressions`) and every field expression (`matchFields`) holds.
 *
 * Guarantees: Kubernetes' semantics: `NotIn` and `DoesNotExist` hold for an
 * absent label; `Gt`/`Lt` need exactly one integer value and an integer
 * label, otherwise they fail; the only field is `metadata.name`.
 *
 * Caveats: a term with no requirement at all matches NO node, and a term
 * with a requirement Kubernetes cannot parse (an invalid label value in
 * `In`/`NotIn`, values on `Exists`, a field other than `metadata.name`)
 * matches no node either, as kube-scheduler drops such terms (validation
 * rejects them, but a stored object may predate it).
 */
export function nodeSelectorTermMatches(term: Readonly<NodeSelectorTerm>, node: Readonly<Node>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  if (!termParses(term)) return false;
  const labels = node.metadata.labels ?? {};
  for (const r of exprs) if (!requirementHolds(r, labels[r.key])) return false;
  for (const r of fields) if (r.key !== 'metadata.name' || !requirementHolds(r, node.metadata.name)) return false;
  return true;
}

/**
 * Whether any of the terms matches (Kubernetes ORs node selector terms).
 * An empty list matches no node.
 */
export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[], node: Readonly<Node>): boolean {
  return terms.some((t) => nodeSelectorTermMatches(t, node));
}

/**
 * Whether a node is one a pod may run on by its labels and name: the
 * `nodeSelector` map (every pair equal) and the required node affinity
 * (`requiredDuringSchedulingIgnoredDuringExecution`) both hold, Kubernetes'
 * `GetRequiredNodeAffinity(pod).Match(node)`, shared by the scheduler's
 * NodeAffinity filter and the DaemonSet controller.
 *
 * Caveats: `nodeName`, taints and resources are not looked at; callers
 * check those.
 */
export function podNodeSelectorMatches(
  spec: Readonly<Pick<PodSpec, 'nodeSelector' | 'affinity'>>,
  node: Readonly<Node>,
): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) if (labels[key] !== value) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required === undefined || nodeSelectorTermsMatch(required.nodeSelectorTerms, node);
}
