import { describe, expect, it, vi } from 'vitest';
import { AlreadyExistsError } from '../../src/errors/index.js';
import { newApi, pod } from './fixtures.js';

// Random suffixes made predictable: each test sets the indices randomInt returns.
const picks: number[] = [];
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, randomInt: () => picks.shift() ?? 0 };
});

const generated = (generateName: string) => {
  const p = pod('');
  p.metadata = { name: '', generateName, namespace: 'default' };
  return p;
};

describe('generateName', () => {
  it('retries with a new suffix when the generated name is taken', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    picks.push(0, 0, 0, 0, 0);
    expect((await pods.create(generated('web-'))).metadata.name).toBe('web-bbbbb');
    // Next: "bbbbb" again (taken), then "ccccc".
    picks.push(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
    expect((await pods.create(generated('web-'))).metadata.name).toBe('web-ccccc');
  });

  it('gives up after 8 taken names with AlreadyExists', async () => {
    const { api } = newApi();
    const pods = api.resource('Pod');
    await pods.create(pod('web-bbbbb'));
    picks.length = 0;
    const err = await pods.create(generated('web-')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlreadyExistsError);
  });

  it('truncates a long prefix so the name fits 63 characters', async () => {
    const { api } = newApi();
    const created = await api.resource('Pod').create(generated(`${'a'.repeat(70)}-`));
    expect(created.metadata.name).toHaveLength(63);
    expect(created.metadata.name.startsWith('a'.repeat(58))).toBe(true);
  });
});
