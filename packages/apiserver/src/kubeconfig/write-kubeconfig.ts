import { writeFile } from 'node:fs/promises';
import type { ClientCertificate } from '../certificates/cluster-ca.js';
import type { ServingInfo } from '../server/api-server.js';

/** What a kubeconfig for one Flotilla cluster says. */
export interface KubeconfigOptions {
  /** The server's address and CA, as `ApiServer.listen` reports them. */
  server: Pick<ServingInfo, 'url' | 'caCert'>;
  /** Name of the cluster, user and context. Default `flotilla`. */
  name?: string;
  /** The namespace kubectl uses by default. */
  namespace?: string;
  /** A bearer token to send (once an authenticator checks tokens). */
  token?: string;
  /**
   * A client certificate and key to present (inline, as
   * `client-certificate-data` / `client-key-data`), e.g. one a `ClusterCa`
   * issued; the server must listen with that CA as its `clientCa`.
   */
  clientCertificate?: ClientCertificate;
  /**
   * Skip TLS verification: needed by `@kubernetes/client-node` for plain
   * http (it refuses otherwise); ignored for https with a CA.
   */
  insecureSkipTlsVerify?: boolean;
}

function quote(value: string): string {
  return JSON.stringify(value);
}

const base64 = (pem: string) => Buffer.from(pem).toString('base64');

/** The user's credentials: a token, a client certificate, both, or none. */
function userLines(options: KubeconfigOptions): string[] {
  const user: string[] = [];
  if (options.token) user.push(`    token: ${quote(options.token)}`);
  if (options.clientCertificate) {
    user.push(`    client-certificate-data: ${base64(options.clientCertificate.cert)}`);
    user.push(`    client-key-data: ${base64(options.clientCertificate.key)}`);
  }
  return user.length > 0 ? ['  user:', ...user] : ['  user: {}'];
}

/**
 * A kubeconfig (YAML) for the server: one cluster, one user, one context,
 * the context current. With HTTPS the CA goes in inline
 * (`certificate-authority-data`), so the file is all a client needs.
 */
export function kubeconfigFor(options: KubeconfigOptions): string {
  const name = options.name ?? 'flotilla';
  const { url, caCert } = options.server;
  const cluster = [`    server: ${quote(url)}`];
  if (caCert) cluster.push(`    certificate-authority-data: ${base64(caCert)}`);
  else if (options.insecureSkipTlsVerify) cluster.push('    insecure-skip-tls-verify: true');
  const context = [`    cluster: ${quote(name)}`, `    user: ${quote(name)}`];
  if (options.namespace) context.push(`    namespace: ${quote(options.namespace)}`);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${quote(name)}`,
    '  cluster:',
    ...cluster,
    'users:',
    `- name: ${quote(name)}`,
    ...userLines(options),
    'contexts:',
    `- name: ${quote(name)}`,
    '  context:',
    ...context,
    `current-context: ${quote(name)}`,
    '',
  ].join('\n');
}

/** Writes `kubeconfigFor(options)` to `path` (mode 0600: it may hold a token or a private key). */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<void> {
  await writeFile(path, kubeconfigFor(options), { mode: 0o600 });
}
