export * from './defaults.js';
export type * from './types.js';
export * from './union-authenticator.js';
