/**
 * The JSON of each frozen `fieldsV1` tree, by identity: objects written
 * from one template share one tree (`shareJson`), so its text is made once.
 */
const treeTexts = new WeakMap<object, string>();

/** Stands in for a tree while the rest of the object is serialized; its JSON text is what is looked for. */
const PLACEHOLDER = '\u0000flotilla:fieldsV1';
const PLACEHOLDER_TEXT = JSON.stringify(PLACEHOLDER);

function treeText(tree: object): string {
  let text = treeTexts.get(tree);
  if (text === undefined) {
    text = JSON.stringify(tree);
    treeTexts.set(tree, text);
  }
  return text;
}

/** The managedFields entries of `obj` whose frozen `fieldsV1` can be set aside (the entry itself can be changed). */
function frozenTreeEntries(obj: unknown): Record<string, unknown>[] {
  const metadata = (obj as { metadata?: { managedFields?: unknown } } | null)?.metadata;
  const entries = metadata?.managedFields;
  const found: Record<string, unknown>[] = [];
  if (!Array.isArray(entries)) return found;
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null || Object.isFrozen(entry)) continue;
    const tree = (entry as Record<string, unknown>).fieldsV1;
    if (typeof tree === 'object' && tree !== null && Object.isFrozen(tree)) found.push(entry);
  }
  return found;
}

/**
 * `JSON.stringify(obj)`, byte for byte, with the text of each frozen
 * managedFields tree made once and spliced in: a Pod's tree is half its
 * JSON, and the same tree is in every Pod created from one template. The
 * trees are set aside while the rest is serialized and put back after.
 */
export function objectText(obj: unknown): string {
  const entries = frozenTreeEntries(obj);
  if (entries.length === 0) return JSON.stringify(obj);
  const trees = entries.map((entry) => entry.fieldsV1 as object);
  let text: string;
  try {
    for (const entry of entries) entry.fieldsV1 = PLACEHOLDER;
    text = JSON.stringify(obj);
  } finally {
    entries.forEach((entry, i) => {
      entry.fieldsV1 = trees[i];
    });
  }
  const parts = text.split(PLACEHOLDER_TEXT);
  // The object's own data could hold the placeholder's text too: then it is serialized whole.
  if (parts.length !== trees.length + 1) return JSON.stringify(obj);
  let out = parts[0]!;
  for (let i = 0; i < trees.length; i++) out += treeText(trees[i]!) + parts[i + 1]!;
  return out;
}
