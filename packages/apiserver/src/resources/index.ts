export * from './resource-index.js';
export * from './subresources.js';
