import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeProjection } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'flotilla-projection-')), 'volume');
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

const file = (path: string, text: string, mode = 0o644) => ({ path, content: Buffer.from(text), mode });

describe('writeProjection (the kubelet AtomicWriter layout)', () => {
  it('exposes each top-level name as a link through ..data to one hidden version directory', async () => {
    expect(await writeProjection(dir, [file('a', '1'), file('nested/b', '2')])).toBe(true);
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('1');
    expect(await readFile(join(dir, 'nested/b'), 'utf8')).toBe('2');
    expect(await readlink(join(dir, 'a'))).toBe(join('..data', 'a'));
    const version = await readlink(join(dir, '..data'));
    expect((await readdir(dir)).sort()).toEqual(['..data', version, 'a', 'nested'].sort());
  });

  it('leaves the volume untouched when nothing changed', async () => {
    await writeProjection(dir, [file('a', '1')]);
    const version = await readlink(join(dir, '..data'));
    expect(await writeProjection(dir, [file('a', '1')])).toBe(false);
    expect(await readlink(join(dir, '..data'))).toBe(version);
  });

  it.each([
    { change: 'content', next: [file('a', '2')] },
    { change: 'mode', next: [file('a', '1', 0o600)] },
  ])('swaps to a new version when the $change changes and removes the old one', async ({ next }) => {
    await writeProjection(dir, [file('a', '1'), file('gone', 'x')]);
    const before = await readlink(join(dir, '..data'));
    expect(await writeProjection(dir, next)).toBe(true);
    const after = await readlink(join(dir, '..data'));
    expect(after).not.toBe(before);
    expect((await readdir(dir)).sort()).toEqual(['..data', after, 'a'].sort());
  });
});
