export * from './admission.js';
export * from './api.js';
export * from './binding.js';
export * from './deletion.js';
export * from './merge-patch.js';
export * from './namespace-lifecycle.js';
export * from './resource-client.js';
export * from './selective-watch.js';
export type * from './types.js';
