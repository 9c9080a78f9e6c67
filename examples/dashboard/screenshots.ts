import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** Where the dashboard's screenshots go: the docs show them. */
export const screenshotDir = fileURLToPath(new URL('../../docs/images/dashboard/', import.meta.url));

/**
 * Saves what the page shows now as `docs/images/dashboard/<name>.png` when
 * `FLOTILLA_SCREENSHOTS=1` (so an ordinary test run leaves the docs alone).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.FLOTILLA_SCREENSHOTS !== '1') return;
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}${name}.png` });
}
