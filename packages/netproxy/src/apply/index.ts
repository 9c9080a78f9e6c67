export * from './applier.js';
export * from './command-runner.js';
export * from './iptables-applier.js';
export * from './ipvs-applier.js';
export * from './nft-one-line.js';
export * from './nft-session.js';
export * from './nftables-applier.js';
