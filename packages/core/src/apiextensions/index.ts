export * from './custom-resource-type.js';
export * from './structural-schema.js';
