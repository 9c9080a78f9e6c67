/**
 * @flotilla/runtime: CRI-shaped runtime interfaces, the Docker adapter, the
 * in-memory FakeRuntime and the NodeAgent (kubelet). The conformance suite
 * for runtime backends is the separate entry `@flotilla/runtime/conformance`.
 *
 * @packageDocumentation
 * @module @flotilla/runtime
 */
export * from './agent/index.js';
export * from './cri/index.js';
export * from './docker/index.js';
export * from './fake/index.js';
