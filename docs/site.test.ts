import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './snippets/tooling/snippet-blocks.js';

interface TypedocConfig {
  entryPoints: string[];
  projectDocuments: string[];
  validation: { notDocumented: boolean };
}

const config = JSON.parse(readFileSync(join(repoRoot, 'typedoc.json'), 'utf8')) as TypedocConfig;
const packages = readdirSync(join(repoRoot, 'packages')).sort();
const guides = readdirSync(join(repoRoot, 'docs/guides'), { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/guides/${f}`);

/** Whether one of typedoc's `projectDocuments` entries (a path, or a `dir/*.md` glob) takes `file`. */
const takes = (pattern: string, file: string) =>
  pattern.endsWith('/*.md')
    ? file.startsWith(pattern.slice(0, -'*.md'.length)) && !file.slice(pattern.length - 4).includes('/')
    : pattern === file;

describe('the documentation site (npm run docs)', () => {
  it('renders every guide and the benchmarks page', () => {
    for (const file of [...guides, 'docs/benchmarks.md']) {
      expect(
        config.projectDocuments.some((p) => takes(p, file)),
        `${file} is missing from typedoc.json projectDocuments`,
      ).toBe(true);
    }
  });

  it('documents every package from its public surface and requires TSDoc on its exports', () => {
    expect(config.entryPoints.sort()).toEqual(packages.map((p) => `packages/${p}/src/index.ts`));
    expect(config.validation.notDocumented).toBe(true);
  });

  it('has a guide page and a README for every package', () => {
    for (const p of packages) {
      expect(existsSync(join(repoRoot, `docs/guides/packages/${p}.md`)), `docs/guides/packages/${p}.md`).toBe(true);
      const readme = readFileSync(join(repoRoot, `packages/${p}/README.md`), 'utf8');
      expect(readme).toContain('## Install');
      expect(readme).toContain(`npm install`);
      expect(readme).toContain(`docs/guides/packages/${p}.md`);
    }
  });
});
