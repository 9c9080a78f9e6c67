export * from './docker-errors.js';
export * from './docker-labels.js';
export * from './docker-runtime.js';
export * from './docker-stats.js';
export * from './log-frames.js';
