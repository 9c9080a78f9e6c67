import { type Deployment, type Pod, RealClock, type ReplicaSet } from '@flotilla/core';
import type { FakeExecIO } from '@flotilla/runtime';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../local-cluster/demo/wait-for.js';
import { type Browser, launchChromium } from '../browser.js';
import { NODE, type NodeCluster, startNodeCluster } from '../node-cluster.js';
import { screenshot } from '../screenshots.js';

const timeoutMs = 30_000;
const POD = 'shell';

let cluster: NodeCluster;
let browser: Browser;

/** The dashboard opened on one view (as the admin unless another token is given); a script error fails the test. */
async function withPage(view: string, use: (page: Page) => Promise<void>, token = 'admin-token'): Promise<void> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  try {
    await page.goto(`${cluster.dashboard.url}#token=${token}`);
    await page.getByRole('link', { name: view }).click();
    await use(page);
    expect(errors).toEqual([]);
  } catch (err) {
    const shown = await page
      .locator('body')
      .innerText()
      .catch(() => '');
    throw new Error(`${(err as Error).message}\npage errors: ${errors.join('; ') || 'none'}\npage showed: ${shown}`);
  } finally {
    await page.close();
  }
}

/**
 * The scripted `sh` of the test's container: reads lines from stdin, answers
 * `echo ...` with its words and `exit N` by exiting N; anything else is not
 * found, as a shell would say. Ends with 0 when stdin closes.
 */
function scriptedShell(io: FakeExecIO): Promise<number> {
  return new Promise((resolve) => {
    let pending = '';
    io.stdin.setEncoding('utf8');
    io.stdin.on('data', (chunk: string) => {
      pending += chunk;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        const [word, ...rest] = line.split(/\s+/);
        if (word === 'echo') io.stdout.write(`${rest.join(' ')}\n`);
        else if (word === 'exit') return resolve(Number(rest[0] ?? 0));
        else if (word) io.stderr.write(`sh: ${word}: not found\n`);
      }
    });
    io.stdin.once('end', () => resolve(0));
  });
}

const podPhase = async () => (await cluster.api.resource<Pod>('Pod').get('default', POD)).status?.phase;

beforeAll(async () => {
  cluster = await startNodeCluster();
  cluster.runtime.script('app:v1', { usage: { cpuNanoCores: 250_000_000, memoryWorkingSetBytes: 64 * 2 ** 20 } });
  await cluster.api.resource<Pod>('Pod').create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD, namespace: 'default' },
    spec: {
      nodeName: NODE,
      containers: [
        {
          name: 'app',
          image: 'app:v1',
          command: ['sh', '-c', 'echo started; sleep 5; echo written after the log was opened; sleep 3600'],
        },
      ],
    },
  });
  await waitFor(new RealClock(), `pod ${POD} running`, async () => (await podPhase()) === 'Running', timeoutMs);
  const [container] = await cluster.runtime.listContainers({ state: 'CONTAINER_RUNNING' });
  cluster.runtime.onExec(container.id, ['sh'], scriptedShell);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
});

describe("a pod's logs and shell, usage charts and rollout undo in chromium, against a node agent", () => {
  it('follows a log: shows the lines so far, then a line written after the log was opened', async () => {
    await withPage('Pods', async (page) => {
      await page.getByRole('button', { name: `Logs Pod default/${POD}` }).click();
      const log = page.getByRole('log', { name: `Log of pod default/${POD}` });
      await expect.poll(() => log.textContent(), { timeout: timeoutMs }).toBe('started\n');
      // The container writes its next line only when its clock says 5 s passed: after the page shows the first.
      await cluster.runtimeClock.step(5_000);
      await expect
        .poll(() => log.textContent(), { timeout: timeoutMs })
        .toBe('started\nwritten after the log was opened\n');
      await screenshot(page, 'logs');
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    });
  });

  it("runs commands in the pod's shell and shows their output and the exit status", async () => {
    await withPage('Pods', async (page) => {
      await page.getByRole('button', { name: `Shell Pod default/${POD}` }).click();
      const output = page.getByRole('log', { name: `Shell output of pod default/${POD}` });
      await expect.poll(() => output.textContent(), { timeout: timeoutMs }).toContain('connected: sh');
      const line = page.getByRole('textbox', { name: 'Command line' });
      await line.fill('echo hello from the dashboard');
      await line.press('Enter');
      await line.fill('nope');
      await line.press('Enter');
      await expect
        .poll(() => output.textContent(), { timeout: timeoutMs })
        .toMatch(/\$ echo hello from the dashboard\nhello from the dashboard\n\$ nope\nsh: nope: not found\n/);
      await screenshot(page, 'shell');
      await line.fill('exit 3');
      await line.press('Enter');
      await expect.poll(() => output.textContent(), { timeout: timeoutMs }).toContain('sh exited with status 3');
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    });
    // No process is left behind on the node.
    await expect.poll(() => cluster.runtime.openSessions, { timeout: timeoutMs }).toBe(0);
  });

  it("a read-only viewer's shell is refused, and the page says what the server answers when asked why", async () => {
    await withPage(
      'Pods',
      async (page) => {
        await page.getByRole('button', { name: `Shell Pod default/${POD}` }).click();
        const output = page.getByRole('log', { name: `Shell output of pod default/${POD}` });
        await expect
          .poll(() => output.textContent(), { timeout: timeoutMs })
          .toContain('the server does not allow you to create pods/exec in namespace default');
        expect(await page.getByRole('textbox', { name: 'Command line' }).isDisabled()).toBe(true);
      },
      'viewer-token',
    );
    expect(cluster.runtime.openSessions).toBe(0);
  });

  it("charts the node's and the pod's CPU and memory from the usage history", async () => {
    await withPage('Usage', async (page) => {
      const cpu = page.locator(`svg[data-series="pod/default/${POD}/cpu"]`);
      // The agent samples every 500 ms; the view reads the history again on Refresh.
      await expect
        .poll(
          async () => {
            await page.getByRole('button', { name: 'Refresh' }).click();
            return Number((await cpu.getAttribute('data-samples', { timeout: 1000 }).catch(() => '0')) ?? 0);
          },
          { timeout: timeoutMs },
        )
        .toBeGreaterThanOrEqual(3);
      expect(await cpu.getAttribute('aria-label')).toBe(`CPU of pod default/${POD}: 250m`);
      expect(await page.locator(`svg[data-series="pod/default/${POD}/memory"]`).getAttribute('aria-label')).toBe(
        `Memory of pod default/${POD}: 64Mi`,
      );
      expect(
        Number(await page.locator(`svg[data-series="node/${NODE}/cpu"]`).getAttribute('data-samples')),
      ).toBeGreaterThan(0);
      expect(await cpu.locator('polyline').count()).toBe(1);
      await screenshot(page, 'usage');
    });
  });

  it("undoes a Deployment's rollout from the UI: the store holds the previous revision's template", async () => {
    const deployments = cluster.api.resource<Deployment>('Deployment');
    const labels = { app: 'web' };
    await deployments.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    });
    const revisions = async () =>
      (await cluster.api.resource<ReplicaSet>('ReplicaSet').list({ namespace: 'default' })).items
        .map(
          (rs) =>
            `${rs.metadata.annotations?.['deployment.kubernetes.io/revision']}:${rs.spec.template?.spec.containers[0].image}`,
        )
        .sort();
    await expect.poll(revisions, { timeout: timeoutMs }).toEqual(['1:nginx:1.27']);
    await deployments.patch('default', 'web', {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } },
    });
    await expect.poll(revisions, { timeout: timeoutMs }).toEqual(['1:nginx:1.27', '2:nginx:1.28']);

    await withPage('Workloads', async (page) => {
      await page.getByRole('button', { name: 'Undo Deployment default/web' }).click();
      const dialog = page.getByRole('dialog', { name: 'Undo the rollout of Deployment default/web?' });
      await expect
        .poll(() => dialog.locator('p').textContent(), { timeout: timeoutMs })
        .toContain('from revision 2 to revision 1');
      await dialog.getByRole('button', { name: 'Roll back' }).click();
      await page.getByRole('status').filter({ hasText: 'rolled back to revision 1' }).waitFor({ timeout: timeoutMs });
    });
    const image = async () => (await deployments.get('default', 'web')).spec.template.spec.containers[0].image;
    expect(await image()).toBe('nginx:1.27');
    // The controller then makes the restored template the newest revision, as after kubectl rollout undo.
    await expect.poll(revisions, { timeout: timeoutMs }).toEqual(['2:nginx:1.28', '3:nginx:1.27']);
  });
});
