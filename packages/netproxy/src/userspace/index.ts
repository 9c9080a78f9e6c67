export * from './endpoint-picker.js';
export * from './userspace-proxy.js';
