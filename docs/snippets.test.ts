import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packWorkspaces } from '../scripts/package-check/pack-workspaces.js';
import type { CommandResult } from '../scripts/package-check/run-command.js';
import { createScratchProject } from '../scripts/package-check/scratch-project.js';
import { compileAndRun } from '../scripts/package-check/typescript-programs.js';
import { documentPrograms, isProgramSource } from './snippets/tooling/doc-programs.js';
import { documentsWithSnippets, findSnippetBlocks, readSnippet, repoRoot } from './snippets/tooling/snippet-blocks.js';

/**
 * Each complete program the pages show (a whole file of docs/snippets/) is
 * run the way a reader runs it: the packages are packed (so `npm run build`
 * must be current: the test says so otherwise; FLOTILLA_PACK_STALE_OK=1
 * packs an older build with a warning), installed from the tarballs
 * into a scratch project, the programs compiled there (strict, node16) and
 * run as ESM; each must print exactly the output block its pages show.
 */
describe('the programs in the guides and READMEs print what their pages say', async () => {
  const programs = await documentPrograms(await documentsWithSnippets());
  let scratch = '';
  let results = new Map<string, CommandResult>();
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'flotilla-docs-'));
    const packed = await packWorkspaces(scratch, process.env.FLOTILLA_PACK_STALE_OK === '1');
    await createScratchProject(join(scratch, 'reader'), packed);
    results = await compileAndRun(
      join(scratch, 'reader'),
      programs.map(({ name, code }) => ({ name, code })),
      'node16',
      ['mjs'],
    );
  }, 600_000);
  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('shows every docs/snippets file as a program, with its output', async () => {
    const files = (await readdir(fileURLToPath(new URL('./snippets/', import.meta.url)))).filter((f) =>
      f.endsWith('.ts'),
    );
    const shown = programs.filter((p) => p.expected !== undefined).map((p) => `${p.name}.ts`);
    expect(shown.sort()).toEqual(files.sort());
  });

  for (const program of programs) {
    it(`${program.source} prints what ${program.documents.join(', ')} show`, () => {
      const result = results.get(`${program.name}.mjs`);
      expect(result?.stderr).toBe('');
      expect(result?.code).toBe(0);
      expect(result?.stdout).toBe(program.expected);
    });
  }
});

/** A fenced block of code (TypeScript or JavaScript) with the comment line before it, if any. */
const codeBlock = /(?:^|\n)((?:[^\n]*\n){0,3})```(ts|typescript|js|javascript|tsx|mjs|cjs)\n/g;

describe('every code block in the guides and READMEs runs as printed or says whose excerpt it is', async () => {
  const documents = await documentsWithSnippets();
  for (const doc of documents) {
    const text = await readFile(join(repoRoot, doc), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    it(`${doc}: each block is a program (docs/snippets file) or an excerpt named above it`, () => {
      const problems: string[] = [];
      for (const match of text.matchAll(codeBlock)) {
        const before = match[1] ?? '';
        const line = text.slice(0, match.index).split('\n').length + before.split('\n').length - 1;
        const source = /<!-- snippet: (\S+) -->\n$/.exec(before)?.[1];
        if (!source) {
          problems.push(
            `line ${line}: not marked; show a docs/snippets program or an excerpt (<!-- snippet: path#region -->)`,
          );
        } else if (!isProgramSource(source)) {
          const path = source.split('#')[0] ?? '';
          if (!before.includes(`Excerpt from [\`${path}\`]`)) {
            problems.push(`line ${line}: ${source} is an excerpt; say so above it: Excerpt from [\`${path}\`](link)`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }
});

describe('code blocks in the guides and READMEs are the tested files, verbatim', async () => {
  const documents = await documentsWithSnippets();
  const blocksOf = async (doc: string) => findSnippetBlocks(await readFile(join(repoRoot, doc), 'utf8'));
  const withBlocks: string[] = [];
  for (const doc of documents) if ((await blocksOf(doc)).length > 0) withBlocks.push(doc);

  it('shows a tested example in every package README and package page, and in the how-to guides', () => {
    const mustShow = documents.filter((d) => /^packages\/[^/]+\/README\.md$|^docs\/guides\/packages\//.test(d));
    const packages = documents.filter((d) => /^packages\/[^/]+\/README\.md$/.test(d));
    expect(mustShow.length).toBeGreaterThanOrEqual(packages.length);
    expect(withBlocks).toEqual(
      expect.arrayContaining([
        ...mustShow,
        'docs/guides/first-controller.md',
        'docs/guides/embed-the-scheduler.md',
        'docs/guides/operating.md',
      ]),
    );
  });

  for (const doc of withBlocks) {
    it(`${doc}: every marked block equals its source (run docs/snippets/tooling/sync-snippets.ts to copy)`, async () => {
      for (const block of await blocksOf(doc)) {
        expect(block.code, `${doc} -> ${block.source}`).toBe(await readSnippet(block.source));
      }
    });
  }

  it('uses every snippet file in at least one document', async () => {
    const used = new Set<string>();
    for (const doc of withBlocks) for (const block of await blocksOf(doc)) used.add(block.source.split('#')[0] ?? '');
    const files = (await readdir(join(repoRoot, 'docs/snippets')))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `docs/snippets/${f}`);
    expect(files.filter((f) => !used.has(f))).toEqual([]);
  });
});
