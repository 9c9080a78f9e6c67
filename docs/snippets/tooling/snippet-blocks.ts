import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, which snippet sources are relative to. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A fenced block in a document that must equal a source file (or one `#region` of it). */
export interface SnippetBlock {
  /** `docs/snippets/core-api.ts` or `examples/custom-controller/website.ts#kind`. */
  source: string;
  /** The block's text between the fences. */
  code: string;
  /** Character offsets of `code` in the document, for rewriting it. */
  start: number;
  end: number;
}

/**
 * A marker line `<!-- snippet: <path>[#region] -->` followed by a fenced
 * block: the block is a copy of that source, so GitHub and npm show the
 * code, and the docs test holds the copy to the tested file.
 */
const markedBlock = /<!-- snippet: (\S+) -->\n```[a-z]*\n([\s\S]*?)```/g;

/** Every marked block of a Markdown document, in order. */
export function findSnippetBlocks(markdown: string): SnippetBlock[] {
  return [...markdown.matchAll(markedBlock)].map((m) => {
    const start = (m.index ?? 0) + m[0].indexOf('\n```') + 1;
    const codeStart = markdown.indexOf('\n', start) + 1;
    return { source: m[1] ?? '', code: m[2] ?? '', start: codeStart, end: codeStart + (m[2] ?? '').length };
  });
}

/**
 * The text a block must equal: the whole file, or the lines between
 * `// #region <name>` and `// #endregion <name>`, dedented.
 */
export async function readSnippet(source: string): Promise<string> {
  const [path = '', region] = source.split('#');
  const text = await readFile(join(repoRoot, path), 'utf8');
  if (!region) return text;
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.trim() === `// #region ${region}`);
  const to = lines.findIndex((l) => l.trim() === `// #endregion ${region}`);
  if (from < 0 || to < from)
    throw new Error(`${path} has no region "${region}"; mark it with // #region ${region} ... // #endregion ${region}`);
  return `${dedent(lines.slice(from + 1, to)).join('\n')}\n`;
}

/** Strips the indentation the region's lines share, so a region inside a class reads as top-level code. */
function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(common));
}

/** The documents that may carry snippets: the guides, the docs home page and the package READMEs. */
export async function documentsWithSnippets(): Promise<string[]> {
  const guides = (await readdir(join(repoRoot, 'docs/guides'), { recursive: true }))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/guides/${f}`);
  const packages = await readdir(join(repoRoot, 'packages'));
  return ['docs/README.md', ...guides.sort(), ...packages.sort().map((p) => `packages/${p}/README.md`)];
}

/** Rewrites every marked block of `doc` from its source; returns whether anything changed. */
export async function syncDocument(doc: string): Promise<boolean> {
  const path = join(repoRoot, doc);
  let text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return false;
  const blocks = findSnippetBlocks(text).reverse();
  let changed = false;
  for (const block of blocks) {
    const code = await readSnippet(block.source);
    if (code === block.code) continue;
    text = text.slice(0, block.start) + code + text.slice(block.end);
    changed = true;
  }
  if (changed) await writeFile(path, text);
  return changed;
}
