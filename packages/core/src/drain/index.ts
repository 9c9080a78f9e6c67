export * from './drain-node.js';
