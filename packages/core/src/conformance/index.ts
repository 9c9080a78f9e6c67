/**
 * @flotilla/core/conformance: the suite every `Store` must pass, as vitest
 * tests, for whoever writes a store of their own (Flotilla's MemoryStore,
 * FileStore and EtcdStore run it too). Needs `vitest` and `fast-check`.
 *
 * @module @flotilla/core/conformance
 */
export { describeStoreConformance } from './store-conformance.js';
export { memoryStoreFixture, type StoreFixture } from './store-fixture.js';
