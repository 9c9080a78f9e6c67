export * from './core-module.js';
export * from './tokens.js';
