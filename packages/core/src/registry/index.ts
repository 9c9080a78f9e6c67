export * from './resource-type.js';
