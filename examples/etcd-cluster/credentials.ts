import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterCa, kubeconfigFor } from '@flotilla/apiserver';
import { NODE_USER_PREFIX, NODES_GROUP } from '@flotilla/core';

/** Who a component is to the apiservers: a user and its groups, as the static token file lists them. */
export interface ComponentIdentity {
  user: string;
  groups?: readonly string[];
}

/**
 * The identities of the example's components, each bound to its bootstrap
 * role: kube-scheduler and kube-proxy by Kubernetes' bootstrap bindings,
 * node agents by the Node authorizer, the controller manager by the
 * bindings `controllerManagerBindings` adds, and the operator in
 * `system:masters` (cluster-admin).
 */
export const identities = {
  admin: { user: 'kubernetes-admin', groups: ['system:masters'] },
  controllerManager: { user: 'system:kube-controller-manager' },
  scheduler: { user: 'system:kube-scheduler' },
  proxier: { user: 'system:kube-proxy' },
  node: (name: string): ComponentIdentity => ({ user: `${NODE_USER_PREFIX}${name}`, groups: [NODES_GROUP] }),
} as const;

/** What the apiservers read at start, by path (kube-apiserver's `--tls-cert-file`, `--token-auth-file`...). */
export interface ServerFiles {
  caCert: string;
  cert: string;
  key: string;
  tokenFile: string;
}

/** The files of `dir`, by the names `ClusterCredentials` writes them under. */
export function serverFilesIn(dir: string): ServerFiles {
  return {
    caCert: join(dir, 'ca.crt'),
    cert: join(dir, 'apiserver.crt'),
    key: join(dir, 'apiserver.key'),
    tokenFile: join(dir, 'tokens.csv'),
  };
}

/**
 * The example's PKI and credentials in a private temporary directory: one
 * cluster CA, the apiservers' serving certificate (for 127.0.0.1, shared by
 * both, as behind a load balancer), a static token file with a fresh random
 * token per identity, and a kubeconfig per identity naming the balancer.
 */
export class ClusterCredentials {
  private readonly tokens = new Map<string, { token: string; identity: ComponentIdentity }>();

  private constructor(
    readonly dir: string,
    readonly caCert: string,
    readonly server: ServerFiles,
  ) {}

  /** Generates the CA and the serving certificate and writes them. */
  static async create(): Promise<ClusterCredentials> {
    const dir = await mkdtemp(join(tmpdir(), 'flotilla-etcd-cluster-'));
    const ca = await ClusterCa.generate({ name: 'flotilla-etcd-cluster-ca' });
    const serving = await ca.issueServingCertificate(['127.0.0.1']);
    const files = serverFilesIn(dir);
    await writeFile(files.caCert, serving.caCert);
    await writeFile(files.cert, serving.cert);
    await writeFile(files.key, serving.key, { mode: 0o600 });
    return new ClusterCredentials(dir, serving.caCert, files);
  }

  /** Registers `identity` under `name` with a fresh token; call `writeTokenFile` after the last one. */
  add(name: string, identity: ComponentIdentity): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(name, { token, identity });
    return token;
  }

  /** Writes the static token file: `token,user,uid,"group1,group2"` per identity. */
  async writeTokenFile(): Promise<void> {
    const lines = [...this.tokens.values()].map(({ token, identity }) => {
      const groups = identity.groups?.length ? `,"${identity.groups.join(',')}"` : '';
      return `${token},${identity.user},${identity.user}${groups}`;
    });
    await writeFile(this.server.tokenFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  }

  /** The bearer token registered under `name`. */
  token(name: string): string {
    const entry = this.tokens.get(name);
    if (!entry) throw new Error(`no credentials named ${name}`);
    return entry.token;
  }

  /** Writes `<name>.kubeconfig`: `serverUrl`, the cluster CA and `name`'s token; returns its path. */
  async writeKubeconfig(name: string, serverUrl: string): Promise<string> {
    const path = join(this.dir, `${name}.kubeconfig`);
    const text = kubeconfigFor({ server: { url: serverUrl, caCert: this.caCert }, token: this.token(name), name });
    await writeFile(path, text, { mode: 0o600 });
    return path;
  }

  /** Removes the directory and everything in it. */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
