export {
  defaultKubeconfigPaths,
  type ExecCredentialPlugin,
  type KubeconfigCredentials,
  type LoadKubeconfigOptions,
  loadKubeconfig,
} from './kubeconfig.js';
export { RemoteApi, type RemoteApiOptions } from './remote-api.js';
export { RemoteResourceClient, type ServerSideApplyOptions } from './remote-resource-client.js';
export { errorFromStatus } from './status-error.js';
