export * from './ipvs-rules.js';
