export * from './columns/index.js';
export * from './human-duration.js';
export * from './printers.js';
export * from './table.js';
export * from './to-table.js';
