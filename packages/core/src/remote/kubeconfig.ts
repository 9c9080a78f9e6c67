import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { BadRequestError } from '../errors/api-errors.js';
import { isJsonObject } from '../json/json-object.js';

/** An exec credential plugin as a kubeconfig names it (`users[].user.exec`), run as client-go runs it. */
export interface ExecCredentialPlugin {
  /** The program; run directly with `args` (never through a shell). */
  command: string;
  args: string[];
  /** Added to the environment the plugin inherits. */
  env: Record<string, string>;
  /** `client.authentication.k8s.io/v1` or `v1beta1`: the ExecCredential version exchanged. */
  apiVersion: string;
}

/** What a kubeconfig context resolves to: where the server is and how to prove who we are. */
export interface KubeconfigCredentials {
  server: string;
  /** The context's namespace; absent means `default`. */
  namespace?: string;
  /** PEM of the CA that signs the server's certificate. */
  ca?: string;
  /** PEM client certificate and key (mutual TLS). */
  cert?: string;
  key?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  /** The name the server certificate is checked against, when not the server's host. */
  tlsServerName?: string;
  exec?: ExecCredentialPlugin;
}

/** Where client-go looks: each path of `$KUBECONFIG` (split on the platform's delimiter), else `~/.kube/config`. */
export function defaultKubeconfigPaths(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string[] {
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  return listed.length > 0 ? listed : [join(home, '.kube', 'config')];
}

type JsonObject = Record<string, unknown>;

interface NamedEntries {
  clusters: Map<string, JsonObject>;
  users: Map<string, JsonObject>;
  contexts: Map<string, JsonObject>;
  currentContext?: string;
}

/** Relative file names inside a kubeconfig are relative to the file that names them, as client-go resolves them. */
function resolvePaths(section: JsonObject, fields: string[], baseDir: string): JsonObject {
  const out: JsonObject = { ...section };
  for (const field of fields) {
    const value = out[field];
    if (typeof value === 'string' && value !== '' && !isAbsolute(value)) out[field] = join(baseDir, value);
  }
  return out;
}

function collect(target: Map<string, JsonObject>, list: unknown, inner: string, fields: string[], baseDir: string) {
  if (!Array.isArray(list)) return;
  for (const entry of list) {
    if (!isJsonObject(entry) || typeof entry.name !== 'string' || !isJsonObject(entry[inner])) continue;
    // The first file to name an entry wins, as client-go merges $KUBECONFIG.
    if (!target.has(entry.name)) target.set(entry.name, resolvePaths(entry[inner], fields, baseDir));
  }
}

function merge(entries: NamedEntries, text: string, baseDir: string, source: string): void {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new BadRequestError(`kubeconfig ${source}: not YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return;
  if (!isJsonObject(doc)) throw new BadRequestError(`kubeconfig ${source}: expected a mapping at the top`);
  collect(entries.clusters, doc.clusters, 'cluster', ['certificate-authority'], baseDir);
  collect(entries.users, doc.users, 'user', ['client-certificate', 'client-key', 'tokenFile'], baseDir);
  collect(entries.contexts, doc.contexts, 'context', [], baseDir);
  const current = doc['current-context'];
  if (entries.currentContext === undefined && typeof current === 'string' && current !== '') {
    entries.currentContext = current;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Inline `...-data` (base64) wins over the file, as client-go reads them. */
function pem(section: JsonObject, dataField: string, fileField: string): string | undefined {
  const data = str(section[dataField]);
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(section[fileField]);
  return file ? readFileSync(file, 'utf8') : undefined;
}

function execPlugin(exec: unknown, path: string): ExecCredentialPlugin | undefined {
  if (exec === undefined || exec === null) return undefined;
  if (!isJsonObject(exec) || !str(exec.command)) throw new BadRequestError(`${path}.command: Required value`);
  const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
  const env: Record<string, string> = {};
  if (Array.isArray(exec.env)) {
    for (const item of exec.env) {
      if (isJsonObject(item) && typeof item.name === 'string') env[item.name] = String(item.value ?? '');
    }
  }
  return {
    command: exec.command as string,
    args,
    env,
    apiVersion: str(exec.apiVersion) ?? 'client.authentication.k8s.io/v1',
  };
}

/** Options of `loadKubeconfig`. */
export interface LoadKubeconfigOptions {
  /** Kubeconfig files, merged first-wins as client-go merges `$KUBECONFIG`. Default: `defaultKubeconfigPaths()`. */
  paths?: string[];
  /** A kubeconfig's text instead of files (relative paths then resolve against the working directory). */
  text?: string;
  /** The context to use. Default: `current-context`. */
  context?: string;
}

/**
 * Reads a kubeconfig and resolves one context to a server and credentials:
 * the cluster's `server`, CA (`certificate-authority[-data]`),
 * `insecure-skip-tls-verify` and `tls-server-name`; the user's `token` or
 * `tokenFile`, client certificate and key (`client-certificate[-data]`,
 * `client-key[-data]`) or `exec` plugin; the context's namespace.
 * Errors name the missing entry (`contexts["dev"]`), as a `BadRequestError`.
 */
export function loadKubeconfig(options: LoadKubeconfigOptions = {}): KubeconfigCredentials {
  const entries: NamedEntries = { clusters: new Map(), users: new Map(), contexts: new Map() };
  if (options.text !== undefined) {
    merge(entries, options.text, process.cwd(), '(text)');
  } else {
    const paths = options.paths ?? defaultKubeconfigPaths();
    let read = 0;
    for (const path of paths) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue; // client-go skips listed files that do not exist
      }
      read++;
      merge(entries, text, dirname(path), path);
    }
    if (read === 0) throw new BadRequestError(`no kubeconfig found at ${paths.join(', ')}`);
  }
  const contextName = options.context ?? entries.currentContext;
  if (!contextName) throw new BadRequestError('kubeconfig: current-context: Required value (or pass a context)');
  const context = entries.contexts.get(contextName);
  if (!context) throw new BadRequestError(`kubeconfig: contexts["${contextName}"]: Not found`);
  const clusterName = str(context.cluster) ?? '';
  const cluster = entries.clusters.get(clusterName);
  if (!cluster) throw new BadRequestError(`kubeconfig: clusters["${clusterName}"]: Not found`);
  const server = str(cluster.server);
  if (!server) throw new BadRequestError(`kubeconfig: clusters["${clusterName}"].server: Required value`);
  const userName = str(context.user);
  const user = userName === undefined ? {} : entries.users.get(userName);
  if (!user) throw new BadRequestError(`kubeconfig: users["${userName}"]: Not found`);

  const tokenFile = str(user.tokenFile);
  const credentials: KubeconfigCredentials = {
    server,
    namespace: str(context.namespace),
    ca: pem(cluster, 'certificate-authority-data', 'certificate-authority'),
    cert: pem(user, 'client-certificate-data', 'client-certificate'),
    key: pem(user, 'client-key-data', 'client-key'),
    token: str(user.token) ?? (tokenFile ? readFileSync(tokenFile, 'utf8').trim() : undefined),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: str(cluster['tls-server-name']),
    exec: execPlugin(user.exec, `kubeconfig: users["${userName}"].exec`),
  };
  for (const key of Object.keys(credentials) as (keyof KubeconfigCredentials)[]) {
    if (credentials[key] === undefined || credentials[key] === false) delete credentials[key];
  }
  return credentials;
}
