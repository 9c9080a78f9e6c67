import { open, readFile, rename, rm } from 'node:fs/promises';
import { BadRequestError } from '../errors/api-errors.js';
import type { KubeObject } from '../model/meta.js';
import type { EnumerableStore } from './open-store.js';
import type { Store } from './store.js';

/** The format tag of an export file's first line. */
const exportFormat = 'flotilla.store-export/v1';

/** Objects read per list call while exporting. */
const pageSize = 500;

/** Writes kept in flight while importing: enough for a FileStore to batch its syncs, or for etcd to pipeline. */
const importConcurrency = 64;

/** One object in an export file. */
interface ExportedObject {
  resource: string;
  namespace?: string;
  name: string;
  object: KubeObject;
}

/** What `exportStore` wrote or `importStore` read. */
export interface StoreTransferSummary {
  /** Objects per resource. */
  resources: Record<string, number>;
  /** Objects in all. */
  objects: number;
}

/** Options for `exportStore`. */
export interface ExportStoreOptions {
  /** Only these resources (storage names such as `pods`, `deployments.apps`). Default: every resource the store holds. */
  resources?: string[];
}

/**
 * Writes every object of `store` to `file`: JSON lines, a header, one line
 * per object (with its resource and key), and a trailer with the count, so
 * that `importStore` can tell a whole file from a cut one. The file is
 * written to a temporary name, synced and renamed, so `file` is either the
 * old one or a whole export. Each resource is read page by page at one
 * revision; stop the cluster first for one consistent state across resources.
 */
export async function exportStore(
  store: EnumerableStore,
  file: string,
  options: ExportStoreOptions = {},
): Promise<StoreTransferSummary> {
  const resources = [...(options.resources ?? (await store.resources()))].sort();
  const summary: StoreTransferSummary = { resources: {}, objects: 0 };
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.write(`${JSON.stringify({ format: exportFormat, resources })}\n`);
    for (const resource of resources) {
      let count = 0;
      let token: string | undefined;
      do {
        const page = await store.list(resource, { limit: pageSize, continue: token });
        const lines = page.items.map((object) => {
          const entry: ExportedObject = {
            resource,
            namespace: object.metadata.namespace,
            name: object.metadata.name,
            object,
          };
          return `${JSON.stringify(entry)}\n`;
        });
        if (lines.length > 0) await handle.write(lines.join(''));
        count += page.items.length;
        token = page.continue;
      } while (token);
      summary.resources[resource] = count;
      summary.objects += count;
    }
    await handle.write(`${JSON.stringify({ end: exportFormat, objects: summary.objects })}\n`);
    await handle.datasync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(tmp, file);
  return summary;
}

/**
 * Creates every object of an export file in `store`, which must not hold
 * any object of the exported resources (so that nothing is overwritten and
 * an import can simply be redone into a fresh store). Objects keep
 * everything but `metadata.resourceVersion`, which the target store assigns:
 * clients must list again after the move.
 *
 * @throws BadRequestError when the file is not a whole export (nothing is
 * written), or when the store already holds objects of an exported resource.
 */
export async function importStore(store: Store, file: string): Promise<StoreTransferSummary> {
  const entries = await readExport(file);
  const resources = [...new Set(entries.map((e) => e.resource))];
  for (const resource of resources) {
    const { items } = await store.list(resource, { limit: 1 });
    if (items.length > 0) {
      throw new BadRequestError(
        `store: already holds ${resource} (${items[0].metadata.namespace ?? ''}/${items[0].metadata.name}): import into an empty store`,
      );
    }
  }
  const summary: StoreTransferSummary = { resources: {}, objects: 0 };
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const { resource, namespace, name, object } = entries[next++];
      // The target numbers its own revisions; an old one would only mislead.
      const { resourceVersion: _, ...metadata } = object.metadata;
      await store.create({ resource, namespace, name }, { ...object, metadata }, { handOver: true });
      summary.resources[resource] = (summary.resources[resource] ?? 0) + 1;
      summary.objects++;
    }
  };
  await Promise.all(Array.from({ length: importConcurrency }, worker));
  return summary;
}

/** Reads and checks a whole export file. */
async function readExport(file: string): Promise<ExportedObject[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  if (lines.at(-1) === '') lines.pop();
  const fail = (why: string) =>
    new BadRequestError(`file: ${file} is not a whole Flotilla store export (${why}): export it again`);
  const parse = (line: string, at: number): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      throw fail(`line ${at + 1} is not JSON`);
    }
  };
  if (lines.length < 2 || (parse(lines[0], 0) as { format?: unknown }).format !== exportFormat) {
    throw fail(`no ${exportFormat} header`);
  }
  const trailer = parse(lines[lines.length - 1], lines.length - 1) as { end?: unknown; objects?: unknown };
  if (trailer.end !== exportFormat || trailer.objects !== lines.length - 2) {
    throw fail('it ends early: no trailer with the object count');
  }
  return lines.slice(1, -1).map((line, i) => {
    const entry = parse(line, i + 1) as ExportedObject;
    if (typeof entry.resource !== 'string' || typeof entry.name !== 'string' || typeof entry.object !== 'object') {
      throw fail(`line ${i + 2} is not an object entry`);
    }
    return entry;
  });
}
