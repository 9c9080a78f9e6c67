import { defineConfig, type Options } from 'tsup';

/**
 * The build every package shares: ESM + CJS + declarations for Node 20, from
 * `src/index.ts` unless a package names more entry points.
 */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { composite: false } },
    tsconfig: '../../tsconfig.base.json',
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...overrides,
  });
}
