import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file that marks a FileStore directory as open, holding the owner's process id. */
const lockName = 'LOCK';

/**
 * Marks `dir` as used by this process, so that a second FileStore (another
 * process, or a second open in this one) fails with a clear error instead
 * of recovering, and so truncating, a log someone is still appending to. A
 * lock left by a process that no longer runs (a crash) is taken over.
 *
 * @returns a function that releases the lock.
 * @throws Error naming the process that holds the directory.
 */
export async function lockDirectory(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, lockName);
  const release = () => rm(path, { force: true });
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.write(String(process.pid));
    } finally {
      await handle.close();
    }
    return release;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const owner = Number((await readFile(path, 'utf8')).trim());
  if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
    throw new Error(
      `${dir} is in use by process ${owner}${owner === process.pid ? ' (this one)' : ''}: ` +
        'one FileStore per directory; close it (or stop that process) first',
    );
  }
  await writeFile(path, String(process.pid));
  return release;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
