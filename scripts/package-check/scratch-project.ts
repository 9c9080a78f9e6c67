import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackedPackage } from './pack-workspaces.js';
import { repoRoot } from './pack-workspaces.js';
import { mustRun } from './run-command.js';

/** The version this repository uses of a dev tool, so a scratch project checks with the same one (and npm's cache serves it). */
async function repoVersion(name: string): Promise<string> {
  return JSON.parse(await readFile(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/**
 * Creates an npm project in `dir` that installs the packed tarballs (never
 * the workspace sources or the repository's path aliases), TypeScript and
 * Node's types, and `extra` packages from the registry. Every `@flotilla/*`
 * dependency, direct or of another tarball, is pinned to its tarball.
 */
export async function createScratchProject(
  dir: string,
  packages: readonly PackedPackage[],
  extra: Record<string, string> = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tarballs = Object.fromEntries(packages.map((p) => [p.name, `file:${p.tarball}`]));
  const manifest = {
    name: 'flotilla-scratch',
    private: true,
    type: 'module',
    dependencies: {
      ...tarballs,
      typescript: await repoVersion('typescript'),
      '@types/node': await repoVersion('@types/node'),
      rxjs: await repoVersion('rxjs'),
      ...extra,
    },
    overrides: tarballs,
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await mustRun(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--loglevel=error'],
    {
      cwd: dir,
      timeoutMs: 600_000,
    },
  );
}
