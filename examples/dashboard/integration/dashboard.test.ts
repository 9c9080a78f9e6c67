import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer, type ServingInfo } from '@flotilla/apiserver';
import { type Deployment, type Event, MemoryStore, type Node, RealClock, silentLogger } from '@flotilla/core';
import { type DashboardServer, serveDashboard } from '@flotilla/dashboard';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowserApp } from '../../../packages/dashboard/src/build/browser-bundle.js';
import { LocalCluster } from '../../local-cluster/cluster.js';
import { waitFor } from '../../local-cluster/demo/wait-for.js';
import { readOnlyUnlessMaster, tokenAuthenticator } from '../auth.js';
import { type Browser, launchChromium } from '../browser.js';
import { screenshot } from '../screenshots.js';

const clock = new RealClock();
const timeoutMs = 30_000;
const labels = { app: 'web' };
const web: Deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels },
  spec: {
    replicas: 2,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '250m', memory: '128Mi' } } }],
      },
    },
  },
};

let scratch: string;
let store: MemoryStore;
let cluster: LocalCluster;
let server: ApiServer;
let info: ServingInfo;
let dashboard: DashboardServer;
let browser: Browser;

/**
 * Runs `use` on the dashboard opened as a user (the token goes in the
 * fragment, as a person would paste the link), and closes the page after,
 * so its watches never hold connections into the next test.
 */
async function withPage(token: string, view: ViewTitle, use: (page: Page) => Promise<void>): Promise<void> {
  const page = await browser.context.newPage();
  // A script error in the page fails the test, whatever the page went on to show.
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  try {
    await page.goto(`${dashboard.url}#token=${token}`);
    await page.getByRole('link', { name: view }).click();
    await use(page);
    expect(errors).toEqual([]);
  } catch (err) {
    // What the page showed when the test gave up, to tell a stuck watch from a wrong rendering.
    const shown = `${page.url()}\n${await page
      .locator('body')
      .innerText()
      .catch(() => '')}`;
    throw new Error(`${(err as Error).message}\npage errors: ${errors.join('; ') || 'none'}\npage showed: ${shown}`);
  } finally {
    await page.close();
  }
}

/** The views' tab titles. */
type ViewTitle = 'Cluster' | 'Workloads' | 'Pods' | 'Services' | 'Events';

const setUnschedulable = (name: string, unschedulable: boolean) =>
  cluster.api.resource<Node>('Node').patch(undefined, name, { spec: { unschedulable } });

/**
 * Run in the page: records every distinct reading of web's progress bar as
 * the watch delivers it (a string, as it runs in the browser, not in Node).
 */
const RECORD_PROGRESS = `(() => {
  const seen = (window.progressReadings = []);
  const record = () => {
    const text = document.querySelector('tr[data-object="Deployment/default/web"] .bar-text')?.textContent;
    if (text && seen[seen.length - 1] !== text) seen.push(text);
  };
  new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  record();
})()`;

const deploymentRow = (page: Page) => page.locator('tr[data-object="Deployment/default/web"]');

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'flotilla-dashboard-'));
  const bundlePath = join(scratch, 'dashboard.js');
  await bundleBrowserApp(bundlePath);
  store = new MemoryStore();
  // Pod IPs in 127.5.x.x, apart from the other example clusters' tests.
  cluster = await LocalCluster.start({ store, nodes: 2, logger: silentLogger(), clock, loopbackNet: 5 });
  server = new ApiServer({ api: cluster.api, authenticator: tokenAuthenticator, authorizer: readOnlyUnlessMaster });
  info = await server.listen({ port: 0 });
  dashboard = await serveDashboard({ apiServer: info.url, bundlePath });
  browser = await launchChromium();
  await cluster.api.resource('Deployment').create(web);
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await server?.stop();
  await cluster?.stop();
  await store?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the dashboard in chromium, against a served local cluster', () => {
  it('shows each node with its CPU, memory and pod bars from the pods bound to it', async () => {
    await withPage('admin-token', 'Cluster', async (page) => {
      const row = page.locator('tr[data-node="node-1"]');
      await row.waitFor({ timeout: timeoutMs });
      await expect.poll(() => row.locator('td').first().textContent(), { timeout: timeoutMs }).toBe('Ready');
      // The two web pods request 250m each; wherever they landed, the nodes' CPU bars add up to 500m.
      await expect
        .poll(
          async () => {
            const values = await page
              .locator('[role="meter"][aria-label^="CPU requested on"]')
              .evaluateAll((els) => els.map((e) => Number(e.getAttribute('aria-valuenow'))));
            return Math.round(values.reduce((a, b) => a + b, 0) * 1000);
          },
          { timeout: timeoutMs },
        )
        .toBeGreaterThanOrEqual(500);
      await screenshot(page, 'overview');
    });
  });

  it("follows a Deployment's rollout progress as it is scaled through the API", async () => {
    await withPage('admin-token', 'Workloads', async (page) => {
      // Every distinct reading of the progress bar, recorded in the page as the watch delivers it.
      await deploymentRow(page).waitFor({ timeout: timeoutMs });
      await page.evaluate(RECORD_PROGRESS);
      const readings = () => page.evaluate<string[]>('window.progressReadings');
      await expect.poll(readings, { timeout: timeoutMs }).toContain('2/2 updated and available');

      // With every node cordoned the two new pods cannot be scheduled: the page must show 2 of 4 until uncordoned.
      await setUnschedulable('node-1', true);
      await setUnschedulable('node-2', true);
      const res = await fetch(`${info.url}/apis/apps/v1/namespaces/default/deployments/web/scale`, {
        method: 'PATCH',
        headers: { Authorization: 'Bearer admin-token', 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({ spec: { replicas: 4 } }),
      });
      expect(res.status).toBe(200);
      await expect.poll(readings, { timeout: timeoutMs }).toContain('2/4 updated and available');
      await setUnschedulable('node-1', false);
      await setUnschedulable('node-2', false);
      await expect.poll(readings, { timeout: timeoutMs }).toContain('4/4 updated and available');
      const seen = await readings();
      expect(seen.indexOf('2/2 updated and available')).toBeLessThan(seen.indexOf('2/4 updated and available'));
      expect(seen.indexOf('2/4 updated and available')).toBeLessThan(seen.indexOf('4/4 updated and available'));
      await screenshot(page, 'workloads');
    });
  });

  it('streams a new event into the events view, and its filters narrow the stream', async () => {
    await withPage('admin-token', 'Events', async (page) => {
      await page.getByRole('table', { name: 'Events' }).waitFor({ timeout: timeoutMs });
      const now = new Date().toISOString();
      const probe: Event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'web.dashboard-probe', namespace: 'default' },
        involvedObject: { kind: 'Deployment', namespace: 'default', name: 'web', apiVersion: 'apps/v1' },
        reason: 'DashboardProbe',
        message: 'an event the dashboard test wrote',
        type: 'Warning',
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        source: { component: 'dashboard-test' },
      };
      await cluster.api.resource('Event').create(probe);
      const row = page.locator('tr', { hasText: 'an event the dashboard test wrote' });
      await row.waitFor({ timeout: timeoutMs });
      expect(await row.locator('td').nth(2).textContent()).toBe('DashboardProbe');

      await page.getByLabel('Type').selectOption('Normal');
      await expect.poll(() => row.count()).toBe(0);
      await page.getByLabel('Type').selectOption('Warning');
      await page.getByLabel('Search').fill('DashboardProbe');
      await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
      await page.getByLabel('Search').fill('');
      await page.getByLabel('Type').selectOption('');
      await screenshot(page, 'events');
    });
  });

  it('scales a Deployment from the UI: the store has the new replica count', async () => {
    await withPage('admin-token', 'Workloads', async (page) => {
      await page.getByRole('button', { name: 'Scale Deployment default/web' }).click();
      const dialog = page.getByRole('dialog', { name: 'Scale Deployment default/web' });
      await dialog.getByLabel('Replicas').fill('1');
      await dialog.getByRole('button', { name: 'Scale' }).click();
      await page.getByRole('status').filter({ hasText: 'scaled to 1' }).waitFor({ timeout: timeoutMs });
      const stored = await cluster.api.resource('Deployment').get('default', 'web');
      expect(stored.spec.replicas).toBe(1);
      await expect
        .poll(() => deploymentRow(page).locator('.bar-text').textContent(), { timeout: timeoutMs })
        .toBe('1/1 updated and available');
    });
  });

  it("shows a read-only user's refused scale with the server's own Status, and nothing changes", async () => {
    await withPage('viewer-token', 'Workloads', async (page) => {
      await page.getByRole('button', { name: 'Scale Deployment default/web' }).click();
      const dialog = page.getByRole('dialog', { name: 'Scale Deployment default/web' });
      await dialog.getByLabel('Replicas').fill('3');
      await dialog.getByRole('button', { name: 'Scale' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: timeoutMs });
      // What the server answers the same call with, word for word.
      const res = await fetch(`${info.url}/apis/apps/v1/namespaces/default/deployments/web/scale`, {
        method: 'PATCH',
        headers: { Authorization: 'Bearer viewer-token', 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({ spec: { replicas: 3 } }),
      });
      const status = (await res.json()) as { code: number; reason: string; message: string };
      expect(status.code).toBe(403);
      expect(await alert.locator('span').textContent()).toBe(`${status.code} ${status.reason}: ${status.message}`);
      expect((await cluster.api.resource('Deployment').get('default', 'web')).spec.replicas).toBe(1);
    });
  });

  it('cordons and uncordons a node from the UI', async () => {
    await withPage('admin-token', 'Cluster', async (page) => {
      await page.getByRole('button', { name: 'Cordon Node node-2' }).click();
      await waitFor(
        clock,
        'node-2 unschedulable',
        async () => (await cluster.api.resource<Node>('Node').get(undefined, 'node-2')).spec?.unschedulable === true,
        timeoutMs,
      );
      await page.getByRole('button', { name: 'Uncordon Node node-2' }).click();
      await waitFor(
        clock,
        'node-2 schedulable again',
        async () => (await cluster.api.resource<Node>('Node').get(undefined, 'node-2')).spec?.unschedulable !== true,
        timeoutMs,
      );
    });
  });

  it("edits a Deployment's YAML and saves it with server-side apply; a conflict comes back as the server's 409", async () => {
    await withPage('admin-token', 'Workloads', async (page) => {
      await page.getByRole('button', { name: 'YAML Deployment default/web' }).click();
      const dialog = page.getByRole('dialog', { name: 'YAML of Deployment default/web' });
      const manifest = dialog.getByLabel('Manifest');
      const yaml = await manifest.inputValue();
      expect(yaml).toContain('name: web');
      expect(yaml).not.toContain('managedFields');
      await manifest.fill(yaml.replace(/^ {2}replicas: 1$/m, '  replicas: 2'));
      await dialog.getByRole('button', { name: 'Apply (server-side)' }).click();
      // The scale above was another manager's write of spec.replicas: applying without force conflicts.
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: timeoutMs });
      expect(await alert.locator('span').textContent()).toMatch(/^409 Conflict: /);

      await page.getByRole('button', { name: 'YAML Deployment default/web' }).click();
      const again = page.getByRole('dialog', { name: 'YAML of Deployment default/web' });
      const fresh = await again.getByLabel('Manifest').inputValue();
      await again.getByLabel('Manifest').fill(fresh.replace(/^ {2}replicas: 1$/m, '  replicas: 2'));
      await again.getByLabel(/Force/).check();
      await again.getByRole('button', { name: 'Apply (server-side)' }).click();
      await page.getByRole('status').filter({ hasText: 'applied' }).waitFor({ timeout: timeoutMs });
      const stored = await cluster.api.resource('Deployment').get('default', 'web');
      expect(stored.spec.replicas).toBe(2);
      const managers = (stored.metadata as { managedFields?: { manager: string }[] }).managedFields ?? [];
      expect(managers.map((f) => f.manager)).toContain('flotilla-dashboard');
    });
  });

  it('shows pods and Services, and reads in the dark theme', async () => {
    await withPage('admin-token', 'Pods', async (page) => {
      await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: timeoutMs }).toMatch(/ pods$/);
      await page.locator('.vt-body [role="row"]').first().waitFor({ timeout: timeoutMs });
      await screenshot(page, 'pods');
      await page.getByRole('link', { name: 'Services' }).click();
      await page.getByRole('table', { name: 'Services' }).waitFor({ timeout: timeoutMs });
      await page.getByRole('button', { name: 'Theme' }).click();
      expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
      await page.getByRole('link', { name: 'Cluster' }).click();
      await page.locator('tr[data-node="node-1"]').waitFor({ timeout: timeoutMs });
      await screenshot(page, 'overview-dark');
    });
  });

  it('works from the keyboard: arrow keys move between kind tabs, Enter opens a dialog, Escape closes it', async () => {
    await withPage('admin-token', 'Workloads', async (page) => {
      const deployments = page.getByRole('tab', { name: 'Deployments' });
      await deployments.focus();
      await page.keyboard.press('ArrowRight');
      await expect
        .poll(() => page.getByRole('tab', { name: 'ReplicaSets' }).getAttribute('aria-selected'))
        .toBe('true');
      await page.keyboard.press('ArrowLeft');
      await deploymentRow(page).waitFor({ timeout: timeoutMs });

      const scale = page.getByRole('button', { name: 'Scale Deployment default/web' });
      await scale.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Scale Deployment default/web' });
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });

      await scale.focus();
      await page.keyboard.press('Enter');
      // The replica field has the focus: type over it and submit with Enter.
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('3');
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'scaled to 3' }).waitFor({ timeout: timeoutMs });
      expect((await cluster.api.resource('Deployment').get('default', 'web')).spec.replicas).toBe(3);
    });
  });

  it("restarts a rollout, shows an invalid apply's 422 as the server wrote it, and deletes a pod", async () => {
    await withPage('admin-token', 'Workloads', async (page) => {
      await page.getByRole('button', { name: 'Restart Deployment default/web' }).click();
      await page.getByRole('status').filter({ hasText: 'restarted' }).waitFor({ timeout: timeoutMs });
      const restarted = await cluster.api.resource('Deployment').get('default', 'web');
      expect(restarted.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(
        /^\d{4}-\d\d-\d\dT/,
      );

      await page.getByRole('button', { name: 'YAML Deployment default/web' }).click();
      const dialog = page.getByRole('dialog', { name: 'YAML of Deployment default/web' });
      const yaml = await dialog.getByLabel('Manifest').inputValue();
      await dialog.getByLabel('Manifest').fill(yaml.replace(/^ {2}replicas: \d+$/m, '  replicas: -1'));
      await dialog.getByLabel(/Force/).check();
      await dialog.getByRole('button', { name: 'Apply (server-side)' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: timeoutMs });
      expect(await alert.locator('span').textContent()).toMatch(/^422 Invalid: .*spec\.replicas/);
      expect((await cluster.api.resource('Deployment').get('default', 'web')).spec.replicas).toBe(3);

      await page.getByRole('link', { name: 'Pods' }).click();
      const victim = (await cluster.api.resource('Pod').list({ namespace: 'default', labelSelector: 'app=web' }))
        .items[0];
      await page.getByLabel('Filter pods').fill(victim.metadata.name);
      await page.getByRole('button', { name: `Delete Pod default/${victim.metadata.name}` }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('status').filter({ hasText: 'deleted' }).waitFor({ timeout: timeoutMs });
      await waitFor(
        clock,
        `pod ${victim.metadata.name} deleted`,
        async () =>
          !(await cluster.api.resource('Pod').list({ namespace: 'default' })).items.some(
            (p) => p.metadata.uid === victim.metadata.uid && !p.metadata.deletionTimestamp,
          ),
        timeoutMs,
      );
    });
  });

  it("drains a node from the UI: cordoned, its pods evicted through the API, the Deployment's replicas elsewhere", async () => {
    await withPage('admin-token', 'Cluster', async (page) => {
      await page.getByRole('button', { name: 'Drain Node node-2' }).click();
      await page.getByRole('dialog', { name: 'Drain node node-2?' }).getByRole('button', { name: 'Drain' }).click();
      // At least one pod evicted (the scheduler spread web's three replicas over both nodes), and every one.
      const done = page.getByText(/^node node-2 drained: ([1-9]\d*) of \1 pods evicted$/);
      await done.waitFor({ timeout: timeoutMs });
      expect((await cluster.api.resource<Node>('Node').get(undefined, 'node-2')).spec?.unschedulable).toBe(true);
      await waitFor(
        clock,
        'three web pods running, none on node-2',
        async () => {
          const pods = (await cluster.api.resource('Pod').list({ namespace: 'default', labelSelector: 'app=web' }))
            .items;
          const live = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
          return live.length === 3 && live.every((p) => p.spec.nodeName === 'node-1');
        },
        timeoutMs,
      );
    });
    await setUnschedulable('node-2', false);
  });

  it("reads with the viewer's rights: a user who may not list pods sees the server's 403 where the pods would be", async () => {
    await withPage('no-pods-token', 'Pods', async (page) => {
      const res = await fetch(`${info.url}/api/v1/pods`, { headers: { Authorization: 'Bearer no-pods-token' } });
      const status = (await res.json()) as { code: number; reason: string; message: string };
      expect(status.code).toBe(403);
      await page.getByText(`Pods: ${status.code} ${status.reason}: ${status.message}`).waitFor({ timeout: timeoutMs });
      expect(await page.locator('p.summary').textContent()).toBe('0 of 0 pods');
      // The nodes it may read still show.
      await page.getByRole('link', { name: 'Cluster' }).click();
      await page.locator('tr[data-node="node-1"]').waitFor({ timeout: timeoutMs });
    });
  });
});
