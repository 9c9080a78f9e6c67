import { BadRequestError } from '@flotilla/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseOptions } from './options.js';
import { checkOptionalComponents } from './preflight.js';

const options = (...argv: string[]) => {
  const parsed = parseOptions(argv, '/manifests');
  if (parsed === 'help') throw new Error('unexpected --help');
  return parsed;
};

afterEach(() => vi.restoreAllMocks());

describe('checkOptionalComponents', () => {
  it('asks for nothing on the embedded defaults', async () => {
    await expect(checkOptionalComponents(options())).resolves.toBeUndefined();
  });

  it.each(['iptables', 'nftables'])('explains that --proxy %s needs root, and what to run instead', async (mode) => {
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    const check = checkOptionalComponents(options('--proxy', mode));
    await expect(check).rejects.toThrow(BadRequestError);
    await expect(checkOptionalComponents(options('--proxy', mode))).rejects.toThrow(
      `Run: sudo npm start -- --proxy ${mode}\nor leave out --proxy: the userspace proxy needs no root.`,
    );
  });
});
