export { EtcdStore, type EtcdStoreOptions } from './etcd-store.js';
export { FileStoreWriteError } from './file-commit-log.js';
export { FileStore, type FileStoreOptions } from './file-store.js';
export { MemoryStore, type MemoryStoreEntry, type MemoryStoreOptions, type MemoryStoreState } from './memory-store.js';
export {
  type EnumerableStore,
  type OpenStoreOptions,
  openStore,
  parseStoreUrl,
  type StoreLocation,
} from './open-store.js';
export type * from './store.js';
export {
  type ExportStoreOptions,
  exportStore,
  importStore,
  type StoreTransferSummary,
} from './store-transfer.js';
