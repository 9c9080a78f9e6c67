export * from './controller.js';
export * from './controller-builder.js';
export * from './leader-election.js';
export * from './manager.js';
export * from './owner-references.js';
export * from './predicates.js';
export * from './reconciler.js';
export type * from './runnable.js';
