export * from './clone-json.js';
export * from './json-equal.js';
export * from './json-limits.js';
export * from './json-object.js';
export * from './json-path.js';
export * from './json-size-bound.js';
export { shareJson } from './shared-json.js';
