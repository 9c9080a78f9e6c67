export * from './service-account-admission.js';
export * from './signing-key.js';
export * from './token-claims.js';
export * from './token-issuer.js';
export * from './token-request.js';
