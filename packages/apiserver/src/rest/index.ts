export * from './body.js';
export * from './delete-options.js';
export { apiServerFieldManager } from './field-manager.js';
export * from './patch-appliers.js';
export * from './query.js';
export * from './resource-handler.js';
export * from './rest-request.js';
export * from './scale.js';
export * from './view.js';
