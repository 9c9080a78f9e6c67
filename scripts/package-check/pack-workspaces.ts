import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mustRun } from './run-command.js';

/** The repository root. */
export const repoRoot = join(import.meta.dirname, '..', '..');

/** One workspace package packed as npm publishes it. */
export interface PackedPackage {
  /** `@flotilla/core`. */
  name: string;
  /** `core`: the folder under `packages/`. */
  folder: string;
  /** Absolute path of the `.tgz`. */
  tarball: string;
  sizeBytes: number;
  files: string[];
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/**
 * Fails loudly unless every package has a build at least as new as its
 * sources (the tarballs must hold what the sources say); with
 * `staleOk`, an older build only warns.
 */
export async function assertBuilt(folders: readonly string[], staleOk = false): Promise<void> {
  for (const folder of folders) {
    const dir = join(repoRoot, 'packages', folder);
    const built = await stat(join(dir, 'dist', 'index.js')).catch(() => undefined);
    if (!built) throw new Error(`packages/${folder} is not built: run \`npm run build\` first`);
    if ((await newestMtime(join(dir, 'src'))) > built.mtimeMs) {
      const message = `packages/${folder}/dist is older than its sources: run \`npm run build\` again`;
      if (!staleOk) throw new Error(message);
      console.warn(`warning: ${message}`);
    }
  }
}

/** The folders of the workspace packages, in name order. */
export async function packageFolders(): Promise<string[]> {
  const folders: string[] = [];
  for (const folder of (await readdir(join(repoRoot, 'packages'))).sort()) {
    const manifest = await readFile(join(repoRoot, 'packages', folder, 'package.json'), 'utf8').catch(() => undefined);
    if (manifest && JSON.parse(manifest).private !== true) folders.push(folder);
  }
  return folders;
}

/** Packs every workspace package (`npm pack`) into `destination`, after checking the builds are current. */
export async function packWorkspaces(destination: string, staleOk = false): Promise<PackedPackage[]> {
  const folders = await packageFolders();
  await assertBuilt(folders, staleOk);
  const args = [
    'pack',
    '--json',
    '--pack-destination',
    destination,
    ...folders.map((f) => `--workspace=packages/${f}`),
  ];
  const packed = JSON.parse(await mustRun('npm', args, { cwd: repoRoot })) as {
    name: string;
    filename: string;
    size: number;
    files: { path: string }[];
  }[];
  return packed.map((p) => ({
    name: p.name,
    folder: p.name.replace('@flotilla/', ''),
    tarball: join(destination, p.filename.replace(/^@flotilla\//, 'flotilla-')),
    sizeBytes: p.size,
    files: p.files.map((f) => f.path),
  }));
}
