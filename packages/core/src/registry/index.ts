export * from './builtins.js';
export * from './resource-registry.js';
export * from './resource-type.js';
