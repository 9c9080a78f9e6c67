export * from './rate-limiters.js';
export * from './work-queue.js';
