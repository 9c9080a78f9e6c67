export * from './errors.js';
export * from './filters.js';
export * from './image-ref.js';
export * from './labels.js';
export * from './messages.js';
export * from './network-prober.js';
export * from './services.js';
