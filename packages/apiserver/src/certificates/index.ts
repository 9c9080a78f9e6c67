export * from './client-certificate-authenticator.js';
export * from './cluster-ca.js';
