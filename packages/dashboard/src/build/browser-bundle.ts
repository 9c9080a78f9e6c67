import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The browser app's entry point. */
export const browserEntry = fileURLToPath(new URL('../browser/main.ts', import.meta.url));

/**
 * Bundles the browser app into one minified ES module (esbuild, as tsup
 * uses): what `npm run build` writes to `dist/browser/dashboard.js` and what
 * the browser tests build into a scratch folder. Type-only imports of
 * `@flotilla/core` vanish; nothing of Node's is bundled.
 */
export async function bundleBrowserApp(outfile: string): Promise<void> {
  await build({
    entryPoints: [browserEntry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
  });
}
