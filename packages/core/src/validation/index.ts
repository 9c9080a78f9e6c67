export * from './field-errors.js';
export * from './names.js';
export * from './object-meta.js';
