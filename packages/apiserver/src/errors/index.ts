export * from './http-status-error.js';
export * from './status.js';
