/**
 * The shared runtime conformance suite, a separate entry point
 * (`@flotilla/runtime/conformance`) because it imports vitest.
 *
 * @packageDocumentation
 */

export * from './fake-runtime-fixture.js';
export * from './fixture.js';
export * from './runtime-conformance.js';
export * from './shell-fixture.js';
