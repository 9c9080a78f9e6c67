export * from './follow-proxy-state.js';
export * from './service-informers.js';
export * from './skipped-reporter.js';
