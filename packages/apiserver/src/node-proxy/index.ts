export type { KubeletClientOptions } from './kubelet-client.js';
