export * from './name-hash.js';
