export * from './custom-resource-type.js';
export * from './schema-structure.js';
export * from './structural-schema.js';
