import { Document, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments, type Tags, visit } from 'yaml';
import { BadRequestError } from '../errors/api-errors.js';
import { kubectlScalarTags } from './kubectl-yaml-scalars.js';
import type { KubeObject } from './meta.js';

/**
 * A manifest could not be read. The message names the file (when known), the
 * 1-based document index and line, and the kind when the document got that
 * far, so the user can go straight to the problem.
 */
export class ManifestError extends BadRequestError {
  static override readonly brand: string = 'flotilla.ManifestError';
  constructor(
    /** 1-based index of the YAML document (`---` separated) the problem is in. */
    readonly documentIndex: number,
    /** 1-based line of the problem in the whole text. */
    readonly line: number,
    detail: string,
    /** Where the text came from (a file name), as given to `parseManifests`. */
    readonly source?: string,
    /** The document's `kind`, when it has one. */
    readonly kind?: string,
  ) {
    super(
      `${source ? `${source}: ` : ''}manifest document ${documentIndex} (line ${line}${kind ? `, ${kind}` : ''}): ${detail}`,
    );
  }
}

/** Options of `parseManifests`. */
export interface ParseManifestsOptions {
  /** Where the text came from (a file name), for error messages. */
  source?: string;
}

/** kubectl's reading of YAML (sigs.k8s.io/yaml over go-yaml v2): see `kubectlScalarTags`. */
const KUBECTL_YAML = {
  schema: 'failsafe',
  customTags: (tags: Tags) => [...tags, ...kubectlScalarTags],
  merge: true,
} as const;

/** Alias expansion cap: stops "billion laughs" documents from exploding memory. */
const MAX_ALIAS_COUNT = 100;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for `kind: List` and the typed lists (`PodList`, ...) that `kubectl get -o yaml` writes. */
const isListKind = (v: Record<string, unknown>) =>
  typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);

interface Located {
  value: unknown;
  node: Node | null | undefined;
}

/**
 * Parses multi-document YAML or JSON into API objects.
 *
 * Guarantees: documents separated by `---` are read in order; empty documents
 * (blank, comments only) are skipped; a `kind: List` or any `*List` with
 * `items` is flattened into its items (recursively); unknown fields are kept
 * untouched. Every returned object has a string `apiVersion`, `kind` and
 * `metadata.name` (or `metadata.generateName`). Duplicate keys are errors.
 *
 * Plain scalars are read as kubectl reads them (`kubectlScalarTags`): YAML
 * 1.1 booleans (`yes`, `on`, ...) are booleans and `0400` is the number 256
 * in every position, dates become RFC 3339 timestamps, `<<` merge keys
 * apply. Quote a value to keep it a string, as with kubectl.
 *
 * Caveats: only the shape needed to route an object is checked here; field
 * validation is the Api's job. Integers beyond 2^53 lose precision.
 *
 * @throws ManifestError with the source, document index, line (and kind when
 * known) of the first problem.
 */
export function parseManifests(text: string, opts: ParseManifestsOptions = {}): KubeObject[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, ...KUBECTL_YAML });
  if (!Array.isArray(docs)) return [];
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  const out: KubeObject[] = [];
  docs.forEach((doc, i) => {
    const index = i + 1;
    const kindNode: unknown = isMap(doc.contents) ? doc.contents.get('kind', true) : undefined;
    const docKind = isScalar(kindNode) && typeof kindNode.value === 'string' ? kindNode.value : undefined;
    const err = doc.errors[0];
    if (err) throw new ManifestError(index, lineOf(err.pos[0]), err.message.split('\n')[0]!, opts.source, docKind);
    if (doc.contents === null) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      throw new ManifestError(index, lineOf(doc.contents.range?.[0]), (e as Error).message, opts.source, docKind);
    }
    if (value === null || value === undefined) return;
    const fail = (node: Node | null | undefined, detail: string, kind?: string): never => {
      throw new ManifestError(index, lineOf(node?.range?.[0] ?? doc.contents?.range?.[0]), detail, opts.source, kind);
    };
    const collect = ({ value: v, node }: Located): void => {
      if (Array.isArray(v)) {
        for (const [j, item] of v.entries()) collect({ value: item, node: itemNode(node, j) });
      } else if (!isRecord(v)) {
        fail(node, 'expected an object with apiVersion, kind and metadata');
      } else if (isListKind(v)) {
        const itemsNode = isMap(node) ? (node.get('items', true) as Node | undefined) : undefined;
        for (const [j, item] of (v.items as unknown[]).entries())
          collect({ value: item, node: itemNode(itemsNode, j) });
      } else {
        out.push(checkObject(v, node, fail));
      }
    };
    collect({ value, node: doc.contents });
  });
  return out;
}

function itemNode(seq: Node | null | undefined, index: number): Node | undefined {
  return isSeq(seq) ? (seq.items[index] as Node | undefined) : undefined;
}

function checkObject(
  v: Record<string, unknown>,
  node: Node | null | undefined,
  fail: (node: Node | null | undefined, detail: string, kind?: string) => never,
): KubeObject {
  const field = (key: string) => (isMap(node) ? (node.get(key, true) as Node | undefined) : undefined) ?? node;
  if (typeof v.apiVersion !== 'string' || v.apiVersion === '') {
    fail(field('apiVersion'), 'apiVersion is required (e.g. apiVersion: v1)');
  }
  if (typeof v.kind !== 'string' || v.kind === '') fail(field('kind'), 'kind is required (e.g. kind: Pod)');
  const kind = v.kind as string;
  const meta = v.metadata;
  if (!isRecord(meta)) return fail(field('metadata'), `metadata is required for ${kind}`, kind);
  const named = (typeof meta.name === 'string' && meta.name !== '') || typeof meta.generateName === 'string';
  if (!named) fail(field('metadata'), `metadata.name (or metadata.generateName) is required for ${kind}`, kind);
  return v as KubeObject;
}

const readsAsNonString = (text: string) => kubectlScalarTags.some((t) => t.test?.test(text));

/**
 * Writes objects as multi-document YAML (`---` between documents), the
 * reverse of `parseManifests`: `parseManifests(formatManifests(objs))`
 * deep-equals `objs`, unknown fields included. Strings kubectl would read
 * as something else (`"yes"`, `"0400"`, `"2024-01-02"`) are quoted.
 */
export function formatManifests(objs: readonly KubeObject[]): string {
  return objs
    .map((o) => {
      const doc = new Document(o, { aliasDuplicateObjects: false });
      visit(doc, {
        Scalar(_, node) {
          if (typeof node.value === 'string' && readsAsNonString(node.value)) node.type = 'QUOTE_DOUBLE';
        },
      });
      return doc.toString({ lineWidth: 0 });
    })
    .join('---\n');
}
