export * from './discovery-types.js';
export * from './proxy-state.js';
export * from './rule-values.js';
export * from './state-diff.js';
