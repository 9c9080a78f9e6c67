/**
 * @flotilla/core/conformance: the suite every `Store` must pass, as vitest
 * tests, for whoever writes a store of their own (Flotilla's MemoryStore,
 * FileStore and EtcdStore run it too), and the suite every `ResourceClient`
 * must pass (the in-process Api and RemoteApi run it). Needs `vitest` and
 * `fast-check`.
 *
 * @module @flotilla/core/conformance
 */

export { describeResourceClientConformance, type ResourceClientFixture } from './resource-client-conformance.js';
export { describeStoreConformance } from './store-conformance.js';
export { memoryStoreFixture, type StoreFixture } from './store-fixture.js';
