export * from './in-memory-pod-metrics.js';
export type * from './pod-metrics.js';
