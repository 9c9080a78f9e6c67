/**
 * @flotilla/netproxy
 *
 * @packageDocumentation
 */
export {};
