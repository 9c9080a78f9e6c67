export * from './api-errors.js';
export * from './brand.js';
