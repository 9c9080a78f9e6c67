/**
 * @flotilla/runtime
 *
 * @packageDocumentation
 */
export {};
