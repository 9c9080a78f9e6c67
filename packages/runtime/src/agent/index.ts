/**
 * Core's metrics store, which `NodeAgentOptions.metrics` takes, re-exported
 * so code importing it from here keeps working; new code imports it from
 * `@flotilla/core`.
 */
export { logTimestamp, type PodLogOptions } from './container-logs.js';
export * from './crash-loop-backoff.js';
export * from './env/container-env.js';
export * from './images/image-puller.js';
export * from './lifecycle/lifecycle-hook.js';
export * from './node-agent.js';
export * from './node-lease.js';
export * from './node-registration.js';
export * from './pod-resources.js';
export * from './pod-status.js';
export * from './pod-worker.js';
export * from './probes/probe-handler.js';
export * from './probes/probe-worker.js';
export * from './probes/socket-network-prober.js';
export type { AuthDecision, KubeletAuthOptions } from './server/authenticator.js';
export type { KubeletBackend } from './server/kubelet-backend.js';
export { KubeletServer, type KubeletServerOptions } from './server/kubelet-server.js';
export { type KeyPair, selfSignedNodeCertificate } from './server/serving-certificate.js';
export { CHANNEL_PROTOCOLS } from './server/stream-protocol.js';
export { resourceMetricsText } from './stats/resource-metrics.js';
export * from './stats/stats-summary.js';
export * from './stats/usage-history.js';
export * from './volumes/atomic-projection.js';
export * from './volumes/downward-api-files.js';
export * from './volumes/persistent-volume-path.js';
export * from './volumes/pod-volumes.js';
