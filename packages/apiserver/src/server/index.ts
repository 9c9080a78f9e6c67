export * from './api-server.js';
export * from './media-type.js';
export * from './request-info.js';
