/**
 * Moves a cluster's objects between stores, through a file:
 *
 *   npx tsx scripts/flotilla-store.ts export --store file:///var/lib/flotilla --file cluster.jsonl
 *   npx tsx scripts/flotilla-store.ts import --store etcd://127.0.0.1:2379 --file cluster.jsonl
 *
 * `--store` takes the same URLs as the example cluster (`memory`,
 * `etcd://HOST:PORT[,HOST:PORT]`, `file://PATH`); `--resources a,b` limits an
 * export to those resources. Stop the cluster before exporting, so that the
 * file holds one state. An import needs a store that holds none of the
 * exported resources; objects get new resourceVersions there.
 *
 * Exit codes: 0 done, 2 bad usage or input, 1 anything else.
 */
import { parseArgs } from 'node:util';
import {
  ApiError,
  exportStore,
  importStore,
  openStore,
  type StoreTransferSummary,
} from '../packages/core/src/index.js';

const usage = `usage: npx tsx scripts/flotilla-store.ts export|import --store URL --file FILE [--resources a,b]

  export   write every object of the store (or of --resources) to FILE
  import   create every object of FILE in the store, which must not hold those resources yet
  --store  memory | etcd://HOST:PORT[,HOST:PORT] | file://PATH`;

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  const { command, store: url, file, resources } = parsed;
  let store: Awaited<ReturnType<typeof openStore>> | undefined;
  try {
    store = await openStore(url);
    const summary =
      command === 'export' ? await exportStore(store, file, { resources }) : await importStore(store, file);
    print(command === 'export' ? `exported to ${file}` : `imported from ${file}`, summary);
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return err instanceof ApiError ? 2 : 1;
  } finally {
    await store?.close();
  }
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { store: { type: 'string' }, file: { type: 'string' }, resources: { type: 'string' } },
  });
  const command = positionals[0];
  if (positionals.length !== 1 || (command !== 'export' && command !== 'import')) {
    throw new Error('expected one command: export or import');
  }
  if (!values.store) throw new Error('--store: required');
  if (!values.file) throw new Error('--file: required');
  return {
    command,
    store: values.store,
    file: values.file,
    resources: values.resources?.split(',').filter(Boolean),
  };
}

function print(what: string, summary: StoreTransferSummary): void {
  console.log(`${what}: ${summary.objects} objects`);
  for (const [resource, n] of Object.entries(summary.resources)) console.log(`  ${resource}: ${n}`);
}

process.exitCode = await main(process.argv.slice(2));
