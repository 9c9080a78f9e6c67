import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/**
 * Tests run against the packages' sources (not their builds), so a change is
 * tested without a build step. Unit tests use fakes only; integration tests
 * start the real component they need (etcd, dockerd, network namespaces)
 * through `scripts/` and fail loudly when it cannot be started.
 */
export default defineConfig({
  resolve: {
    alias: {
      '@flotilla/core': source('core'),
      '@flotilla/scheduler': source('scheduler'),
      '@flotilla/controllers': source('controllers'),
      '@flotilla/runtime': source('runtime'),
      '@flotilla/netproxy': source('netproxy'),
      '@flotilla/apiserver': source('apiserver'),
      '@flotilla/dashboard': source('dashboard'),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'docs/**/*.test.ts'],
          exclude: ['**/integration/**', '**/node_modules/**'],
          // A bound on a hang, not a timing check: property tests run thousands of cases and a
          // shared 2-core CI machine can stretch one past vitest's 5 s default.
          testTimeout: 30_000,
          typecheck: { enabled: true, include: ['packages/*/test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/integration/**/*.test.ts', 'examples/**/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
