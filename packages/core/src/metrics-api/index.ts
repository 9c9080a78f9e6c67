export type * from './pod-metrics.js';
