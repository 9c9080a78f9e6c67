/**
 * @flotilla/apiserver: Kubernetes' REST protocol in front of Flotilla's
 * in-process `Api`, so that kubectl, `@kubernetes/client-node` and any other
 * Kubernetes client drive a Flotilla cluster unchanged.
 *
 * @packageDocumentation
 * @module @flotilla/apiserver
 */
export * from './patch/index.js';
