export * from './defaults.js';
export type * from './types.js';
