import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BUNDLE_NAME } from './dashboard-page.js';

/** The browser script, as sent: plain and gzipped. */
export interface DashboardBundle {
  script: Buffer;
  gzipped: Buffer;
}

/** The package's root: the nearest folder above this module with the dashboard's package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@flotilla/dashboard') return dir;
    const up = dirname(dir);
    if (up === dir)
      throw new Error('@flotilla/dashboard: cannot find the package folder to read the browser bundle from');
    dir = up;
  }
}

/** Where the build puts the browser script: `dist/browser/dashboard.js` in the package. */
export function defaultBundlePath(): string {
  return join(packageRoot(), 'dist', 'browser', BUNDLE_NAME);
}

/** Reads the browser script (`path`, or the package's build) once, and gzips it once. */
export function loadBundle(path = defaultBundlePath()): DashboardBundle {
  if (!existsSync(path)) {
    throw new Error(`the dashboard's browser bundle is missing at ${path}: run npm run build -w @flotilla/dashboard`);
  }
  const script = readFileSync(path);
  return { script, gzipped: gzipSync(script, { level: 9 }) };
}
