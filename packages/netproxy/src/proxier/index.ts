export * from './proxier.js';
export * from './proxier-metrics.js';
