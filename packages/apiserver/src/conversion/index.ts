export * from './api-version-only.js';
export * from './hpa-v1.js';
export * from './served-version.js';
