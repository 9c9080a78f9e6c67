export * from './write-kubeconfig.js';
