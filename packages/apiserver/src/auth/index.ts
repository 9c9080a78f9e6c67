export * from './defaults.js';
export * from './token-file-authenticator.js';
export type * from './types.js';
export * from './union-authenticator.js';
