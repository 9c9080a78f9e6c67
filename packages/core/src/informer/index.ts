export * from './backoff.js';
export { Cache, namespaceIndex } from './cache.js';
export * from './informer.js';
export * from './informer-factory.js';
export { keyOf, objectKey, parseObjectKey } from './object-key.js';
export type * from './types.js';
