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
    // No source maps: the output is esbuild's unminified ESM/CJS with names kept, so stack traces already read
    // like the source, and maps were ~60% of every tarball.
    sourcemap: false,
    clean: true,
    target: 'node20',
    ...overrides,
  });
}
