export * from './audit-event.js';
export * from './audit-log-file.js';
export * from './audit-policy.js';
export * from './request-audit.js';
