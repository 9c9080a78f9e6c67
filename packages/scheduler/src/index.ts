/**
 * @flotilla/scheduler
 *
 * @packageDocumentation
 */
export {};
