import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DashboardServer, serveDashboard } from '@flotilla/dashboard';
import { bundleBrowserApp } from '../../packages/dashboard/src/build/browser-bundle.js';

const builtBundle = fileURLToPath(new URL('../../packages/dashboard/dist/browser/dashboard.js', import.meta.url));

/**
 * The dashboard in front of the served cluster, on a port of its own on
 * loopback. `npm start` runs from source: when the package has not been
 * built, its browser script is bundled into a scratch folder first.
 */
export async function startDashboard(apiServer: string): Promise<DashboardServer> {
  let bundlePath = builtBundle;
  if (!existsSync(bundlePath)) {
    bundlePath = join(await mkdtemp(join(tmpdir(), 'flotilla-dashboard-')), 'dashboard.js');
    await bundleBrowserApp(bundlePath);
  }
  return serveDashboard({ apiServer, bundlePath });
}
