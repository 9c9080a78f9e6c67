export * from './controller-metrics.js';
export * from './registered-metric.js';
export * from './workqueue-metrics.js';
