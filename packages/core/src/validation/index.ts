export * from './field-errors.js';
export * from './names.js';
