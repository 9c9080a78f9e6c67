export * from './cluster-dns.js';
export * from './dns-records.js';
