export * from './in-flight-gate.js';
export * from './server-limits.js';
