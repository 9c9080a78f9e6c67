import { BadRequestError } from '../errors/api-errors.js';
import { EtcdStore, type EtcdStoreOptions } from './etcd-store.js';
import { FileStore, type FileStoreOptions } from './file-store.js';
import { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
import type { Store } from './store.js';

/**
 * Where a store lives, as parsed from a store URL:
 * `memory`, `etcd://HOST:PORT[,HOST:PORT...]` or `file://PATH`.
 */
export type StoreLocation = { kind: 'memory' } | { kind: 'etcd'; endpoints: string[] } | { kind: 'file'; path: string };

/** A Store that can name the resources it holds, so that everything in it can be exported. */
export interface EnumerableStore extends Store {
  /** The resources holding at least one object. */
  resources(): Promise<string[]>;
}

/** Options for `openStore`, per kind of store (the location comes from the URL). */
export interface OpenStoreOptions {
  /** Used when the URL is `memory`. */
  memory?: MemoryStoreOptions;
  /** Used when the URL is `etcd://...` (the endpoints come from the URL). */
  etcd?: Omit<EtcdStoreOptions, 'endpoints'>;
  /** Used when the URL is `file://...`. */
  file?: FileStoreOptions;
}

/**
 * Parses a store URL. `file://` takes the rest as a path, relative or
 * absolute (`file:///var/lib/flotilla`, `file://./data`); etcd endpoints are
 * plain HOST:PORT pairs reached over http.
 *
 * @param field how the caller names the value in errors (a flag, a field path).
 * @throws BadRequestError naming `field` when the URL is none of these.
 */
export function parseStoreUrl(url: string, field = 'store'): StoreLocation {
  if (url === 'memory' || url === 'memory://') return { kind: 'memory' };
  const file = /^file:\/\/(.+)$/.exec(url);
  if (file) return { kind: 'file', path: file[1] };
  const etcd = /^etcd:\/\/(.+)$/.exec(url);
  if (!etcd) {
    throw new BadRequestError(`${field} ${url}: expected memory, etcd://HOST:PORT[,HOST:PORT] or file://PATH`);
  }
  const endpoints = etcd[1].split(',').map((hostPort) => {
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(hostPort)) {
      throw new BadRequestError(`${field}: "${hostPort}" is not HOST:PORT (for example etcd://127.0.0.1:2379)`);
    }
    return `http://${hostPort}`;
  });
  return { kind: 'etcd', endpoints };
}

/**
 * Opens the store a URL names (see `parseStoreUrl`): a new MemoryStore, an
 * EtcdStore (connecting lazily: the first call fails if etcd does not
 * answer), or the FileStore in that directory (recovered before this resolves).
 *
 * @throws BadRequestError for a URL that names no store.
 */
export async function openStore(
  location: string | StoreLocation,
  options: OpenStoreOptions = {},
): Promise<EnumerableStore> {
  const where = typeof location === 'string' ? parseStoreUrl(location) : location;
  switch (where.kind) {
    case 'memory':
      return new MemoryStore(options.memory);
    case 'etcd':
      return new EtcdStore({ ...options.etcd, endpoints: where.endpoints });
    case 'file':
      return FileStore.open(where.path, options.file);
  }
}
