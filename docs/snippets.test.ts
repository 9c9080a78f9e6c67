import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { controllerRegistrations } from '@flotilla/controllers';
import { describe, expect, it } from 'vitest';
import * as controllersPreset from './snippets/controllers-preset.js';
import * as coreApi from './snippets/core-api.js';
import * as coreController from './snippets/core-controller.js';
import * as coreWorkqueue from './snippets/core-workqueue.js';
import * as diContainer from './snippets/di-container.js';
import * as netproxyRules from './snippets/netproxy-rules.js';
import * as operating from './snippets/operating.js';
import * as runtimeNodeAgent from './snippets/runtime-node-agent.js';
import * as schedulerSimulate from './snippets/scheduler-simulate.js';
import { documentsWithSnippets, findSnippetBlocks, readSnippet, repoRoot } from './snippets/tooling/snippet-blocks.js';

describe('every documentation snippet runs and does what its page says', () => {
  it('core-api: typed clients, defaults, and a stale write refused', async () => {
    const result = await coreApi.main();
    expect(result).toMatchObject({ generation: 1, strategy: 'RollingUpdate', staleWriteRefused: true, replicas: 5 });
    expect(result.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('core-workqueue: deduplicated keys, delayed keys due after the clock steps', async () => {
    expect(await coreWorkqueue.main()).toEqual({ lengthBefore: 1, order: ['default/web', 'default/db'] });
  });

  it('core-controller: the reconciler stamps the ConfigMap with its key count', async () => {
    expect(await coreController.main()).toBe('2');
  });

  it('scheduler-simulate: placements by resources and selector, reasons for the rest', async () => {
    expect(await schedulerSimulate.main()).toEqual({
      placements: { db: 'a', web: 'b' },
      unschedulable: ['batch: Insufficient cpu'],
    });
  });

  it('controllers-preset: a Deployment gets its pods', async () => {
    const result = await controllersPreset.main();
    expect(result).toMatchObject({ replicas: 3, pods: 3 });
    expect(result.started).toEqual(expect.arrayContaining(['replicaset', 'deployment', 'garbagecollector']));
  });

  it('runtime-node-agent: a bound pod runs on the FakeRuntime', async () => {
    expect(await runtimeNodeAgent.main()).toEqual({
      phase: 'Running',
      podIP: expect.stringMatching(/^10\.244\.0\.\d+$/),
      calls: ['runPodSandbox', 'createContainer', 'startContainer'],
    });
  });

  it('netproxy-rules: DNAT to the endpoint and an nftables table', async () => {
    const result = await netproxyRules.main();
    expect(result.dnat).toHaveLength(1);
    expect(result.dnat[0]).toMatch(/-j DNAT --to-destination 198\.18\.0\.11:8080$/);
    expect(result.nftTable).toBe('table ip flotilla');
  });

  it('operating: elected leader, Kubernetes metric names in the given registry', async () => {
    const result = await operating.main();
    expect(result.holder).toBe('replica-a');
    expect(result.families).toEqual(
      expect.arrayContaining([
        'leader_election_master_status',
        'workqueue_depth',
        'controller_runtime_reconcile_total',
      ]),
    );
    expect(result.exposition).toBeGreaterThan(0);
  });

  it('di-container: the modules share one Manager and cache per container', async () => {
    expect(await diContainer.main()).toEqual({
      controllers: controllerRegistrations.length,
      oneCache: true,
      scheduler: true,
    });
  });

  it('runs every snippet file (a new snippet needs a test above)', async () => {
    const files = (await readdir(fileURLToPath(new URL('./snippets/', import.meta.url)))).filter((f) =>
      f.endsWith('.ts'),
    );
    expect(files.sort()).toEqual([
      'controllers-preset.ts',
      'core-api.ts',
      'core-controller.ts',
      'core-workqueue.ts',
      'di-container.ts',
      'netproxy-rules.ts',
      'operating.ts',
      'runtime-node-agent.ts',
      'scheduler-simulate.ts',
    ]);
  });
});

describe('code blocks in the guides and READMEs are the tested files, verbatim', async () => {
  const documents = await documentsWithSnippets();
  const blocksOf = async (doc: string) => findSnippetBlocks(await readFile(join(repoRoot, doc), 'utf8'));
  const withBlocks: string[] = [];
  for (const doc of documents) if ((await blocksOf(doc)).length > 0) withBlocks.push(doc);

  it('shows a tested example in every package README and package page, and in the how-to guides', () => {
    const mustShow = documents.filter((d) => /^packages\/[^/]+\/README\.md$|^docs\/guides\/packages\//.test(d));
    expect(mustShow).toHaveLength(10);
    expect(withBlocks).toEqual(
      expect.arrayContaining([
        ...mustShow,
        'docs/guides/first-controller.md',
        'docs/guides/embed-the-scheduler.md',
        'docs/guides/operating.md',
      ]),
    );
  });

  for (const doc of withBlocks) {
    it(`${doc}: every marked block equals its source (run docs/snippets/tooling/sync-snippets.ts to copy)`, async () => {
      for (const block of await blocksOf(doc)) {
        expect(block.code, `${doc} -> ${block.source}`).toBe(await readSnippet(block.source));
      }
    });
  }

  it('uses every snippet file in at least one document', async () => {
    const used = new Set<string>();
    for (const doc of withBlocks) for (const block of await blocksOf(doc)) used.add(block.source.split('#')[0] ?? '');
    const files = (await readdir(join(repoRoot, 'docs/snippets')))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `docs/snippets/${f}`);
    expect(files.filter((f) => !used.has(f))).toEqual([]);
  });
});
