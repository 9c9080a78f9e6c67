export * from './watch-options.js';
export * from './watch-stream.js';
