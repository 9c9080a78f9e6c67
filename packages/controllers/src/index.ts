/**
 * @flotilla/controllers
 *
 * @packageDocumentation
 */
export {};
