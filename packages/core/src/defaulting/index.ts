export * from './autoscaling.js';
export * from './batch.js';
export * from './cluster.js';
export * from './pod.js';
export * from './service.js';
export * from './workloads.js';
