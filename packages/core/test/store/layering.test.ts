import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const storeDir = fileURLToPath(new URL('../../src/store/', import.meta.url));
const files = readdirSync(storeDir).filter((f) => f.endsWith('.ts'));

describe('store layering', () => {
  it('finds the store sources', () => {
    expect(files).toContain('memory-store.ts');
  });

  // The Api is built on the Store; an import the other way round would make the two one layer.
  it.each(files)('%s imports nothing from the api layer', (file) => {
    const source = readFileSync(storeDir + file, 'utf8');
    expect(source).not.toMatch(/from '\.\.\/api\//);
  });
});
