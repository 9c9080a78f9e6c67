export * from './builtin-jumps.js';
export * from './chain-names.js';
export * from './iptables-rules.js';
export type { RenderedServicePort, RenderOptions } from './render-service-port.js';
