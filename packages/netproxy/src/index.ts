/**
 * @flotilla/netproxy: Services and EndpointSlices to data-plane rules.
 * Pure generators (`iptablesRules`, `nftablesRules`, `ipvsRules`) from a
 * normalized proxy state; appliers that load their text with the real tools;
 * a `Proxier` that keeps a node in step through informers; a userspace TCP
 * proxy and a cluster DNS server for machines without kernel rules.
 *
 * @packageDocumentation
 * @module @flotilla/netproxy
 */
export * from './apply/index.js';
export * from './di/index.js';
export * from './dns/index.js';
export * from './iptables/index.js';
export * from './ipvs/index.js';
export * from './naming/index.js';
export * from './nftables/index.js';
export * from './proxier/index.js';
export * from './source/index.js';
export * from './state/index.js';
export * from './userspace/index.js';
