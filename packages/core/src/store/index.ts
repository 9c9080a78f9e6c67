export { EtcdStore, type EtcdStoreOptions } from './etcd-store.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export type * from './store.js';
