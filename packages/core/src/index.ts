/**
 * @flotilla/core: the object model, the Store (memory and etcd), the
 * in-process Api, informers, work queues and the controller Manager.
 *
 * @packageDocumentation
 * @module @flotilla/core
 */
export * from './api/index.js';
export * from './apiextensions/index.js';
export * from './authz/index.js';
export * from './clock/index.js';
export * from './controller/index.js';
export * from './defaulting/index.js';
export * from './di/index.js';
export * from './drain/index.js';
export * from './errors/index.js';
export * from './http-upgrade/index.js';
export * from './informer/index.js';
export * from './json/index.js';
export * from './lifecycle/index.js';
export * from './logging/index.js';
export * from './metrics/index.js';
export * from './metrics-api/index.js';
export * from './model/index.js';
export * from './registry/index.js';
export * from './remote/index.js';
export * from './schema/index.js';
export * from './service-account-token/index.js';
export * from './store/index.js';
export * from './validation/index.js';
export * from './workqueue/index.js';
