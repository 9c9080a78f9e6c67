export * from './aggregated.js';
export * from './discovery-documents.js';
export * from './legacy.js';
export * from './version.js';
