import { createHash } from 'node:crypto';
import { mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One file of a projected volume: its path inside the volume, bytes and mode. */
export interface ProjectedFile {
  path: string;
  content: Buffer;
  mode: number;
}

const DATA_LINK = '..data';

function fingerprint(files: ProjectedFile[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    hash.update(`${f.path}\0${f.mode}\0${f.content.length}\0`).update(f.content);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Writes the files of a ConfigMap, Secret or downward-API volume the way
 * the kubelet's AtomicWriter does, so a container never sees half an update:
 * the files go into a fresh hidden directory `..<hash>`, the `..data`
 * symlink is swapped to it with one rename, and each top-level name in the
 * volume is a symlink through `..data`. Keys that disappeared lose their
 * links; the previous hidden directory is removed.
 *
 * Guarantees: idempotent (the same files leave the volume untouched and
 * return false); readers see the old set or the new set, never a mix.
 *
 * Caveats: a container that mounts one file with `subPath` gets the file
 * the link pointed to at mount time and no later updates, as in Kubernetes.
 */
export async function writeProjection(dir: string, files: ProjectedFile[]): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  const version = `..${fingerprint(files)}`;
  const current = await readlink(join(dir, DATA_LINK)).catch(() => undefined);
  if (current === version) return false;

  const versionDir = join(dir, version);
  await rm(versionDir, { recursive: true, force: true });
  await mkdir(versionDir, { recursive: true });
  for (const f of files) {
    const target = join(versionDir, f.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.content, { mode: f.mode });
  }
  const tmpLink = join(dir, `${DATA_LINK}_tmp`);
  await rm(tmpLink, { force: true });
  await symlink(version, tmpLink);
  await rename(tmpLink, join(dir, DATA_LINK));

  const topLevel = new Set(files.map((f) => f.path.split('/')[0]));
  for (const name of topLevel) {
    const link = join(dir, name);
    const wanted = join(DATA_LINK, name);
    if ((await readlink(link).catch(() => undefined)) === wanted) continue;
    await rm(link, { recursive: true, force: true });
    await symlink(wanted, link);
  }
  for (const name of await readdir(dir)) {
    const keep = name === DATA_LINK || name === version || topLevel.has(name);
    if (!keep) await rm(join(dir, name), { recursive: true, force: true });
  }
  return true;
}
