import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundleBrowserApp } from '../src/build/browser-bundle.js';

/** The budget for what a browser downloads. */
const BUDGET_GZIPPED_BYTES = 200 * 1024;

describe('the browser bundle', () => {
  it('is one self-contained ES module within 200 KB gzipped, with nothing of Node in it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flotilla-dashboard-bundle-'));
    try {
      const file = join(dir, 'dashboard.js');
      await bundleBrowserApp(file);
      const script = await readFile(file, 'utf8');
      expect(gzipSync(script, { level: 9 }).length).toBeLessThanOrEqual(BUDGET_GZIPPED_BYTES);
      expect(script).not.toMatch(/\bimport\s*[{*\w][^;]*from\s*["']/);
      expect(script).not.toMatch(/["']node:/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
