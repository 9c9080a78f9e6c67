export * from './netproxy-module.js';
