import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findSnippetBlocks, repoRoot } from './snippet-blocks.js';

/** A complete program shown in the documentation, with the output the pages say it prints. */
export interface DocProgram {
  /** `core-api`, from `docs/snippets/core-api.ts`. */
  name: string;
  /** `docs/snippets/core-api.ts`. */
  source: string;
  code: string;
  /** The documents that show it. */
  documents: string[];
  /** The text of its `<!-- output: ... -->` block; undefined when no page shows one. */
  expected?: string;
}

/** `<!-- output: docs/snippets/x.ts -->` then a fenced block: what the program prints. */
const outputBlock = /<!-- output: (\S+) -->\n```[a-z]*\n([\s\S]*?)```/g;

/** True for a source that is a whole program: a file of `docs/snippets/`, not a region of one. */
export function isProgramSource(source: string): boolean {
  return /^docs\/snippets\/[^/#]+\.ts$/.test(source);
}

/**
 * The complete programs the given documents show (whole `docs/snippets/`
 * files), each with the output the documents say it prints.
 *
 * @throws Error when two pages disagree about a program's output.
 */
export async function documentPrograms(documents: readonly string[]): Promise<DocProgram[]> {
  const programs = new Map<string, DocProgram>();
  for (const doc of documents) {
    const text = await readFile(join(repoRoot, doc), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    for (const block of findSnippetBlocks(text)) {
      if (!isProgramSource(block.source)) continue;
      const name = block.source.replace(/^docs\/snippets\/|\.ts$/g, '');
      const program = programs.get(name) ?? {
        name,
        source: block.source,
        code: await readFile(join(repoRoot, block.source), 'utf8'),
        documents: [],
      };
      if (!program.documents.includes(doc)) program.documents.push(doc);
      programs.set(name, program);
    }
    for (const [, source, output] of text.matchAll(outputBlock)) {
      const program = programs.get((source ?? '').replace(/^docs\/snippets\/|\.ts$/g, ''));
      if (!program) throw new Error(`${doc}: output block for ${source}, which the page does not show as a program`);
      if (program.expected !== undefined && program.expected !== output) {
        throw new Error(`${doc}: the output shown for ${source} differs from ${program.documents[0]}'s`);
      }
      program.expected = output;
    }
  }
  return [...programs.values()];
}
