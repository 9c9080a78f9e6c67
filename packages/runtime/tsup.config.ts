import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'conformance/index': 'src/conformance/index.ts' },
  external: ['vitest'],
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { composite: false } },
  tsconfig: '../../tsconfig.base.json',
  sourcemap: true,
  clean: true,
  target: 'node20',
});
