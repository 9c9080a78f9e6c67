import { execFile } from 'node:child_process';
import type { Clock } from '../clock/clock.js';
import { ForbiddenError } from '../errors/api-errors.js';
import { isJsonObject } from '../json/json-object.js';
import type { ExecCredentialPlugin } from './kubeconfig.js';

/** What an exec plugin hands back (`ExecCredential.status`). */
export interface ExecCredentialStatus {
  token?: string;
  /** PEM client certificate and key, when the plugin answers with a certificate. */
  clientCertificateData?: string;
  clientKeyData?: string;
  /** When to run the plugin again (ms since the epoch); absent: the credential does not expire. */
  expiresAt?: number;
}

/** client-go kills a plugin that runs longer than this. */
const PLUGIN_TIMEOUT_MS = 60_000;

function run(plugin: ExecCredentialPlugin): Promise<string> {
  // client-go tells the plugin what it expects on KUBERNETES_EXEC_INFO; never interactive here.
  const info = { apiVersion: plugin.apiVersion, kind: 'ExecCredential', spec: { interactive: false } };
  const env = { ...process.env, ...plugin.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  return new Promise((resolve, reject) => {
    execFile(
      plugin.command,
      plugin.args,
      { env, timeout: PLUGIN_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(
            new ForbiddenError(`exec credential plugin ${plugin.command} failed: ${err.message} ${stderr}`.trim()),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** Parses the plugin's output, refusing anything that is not an ExecCredential of the version asked for. */
export function parseExecCredential(stdout: string, plugin: Pick<ExecCredentialPlugin, 'command' | 'apiVersion'>) {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    throw new ForbiddenError(`exec credential plugin ${plugin.command} printed no JSON ExecCredential`);
  }
  if (!isJsonObject(doc) || doc.kind !== 'ExecCredential' || doc.apiVersion !== plugin.apiVersion) {
    throw new ForbiddenError(
      `exec credential plugin ${plugin.command}: expected an ExecCredential of apiVersion ${plugin.apiVersion}`,
    );
  }
  const status = isJsonObject(doc.status) ? doc.status : {};
  const out: ExecCredentialStatus = {};
  if (typeof status.token === 'string' && status.token !== '') out.token = status.token;
  if (typeof status.clientCertificateData === 'string') out.clientCertificateData = status.clientCertificateData;
  if (typeof status.clientKeyData === 'string') out.clientKeyData = status.clientKeyData;
  if (typeof status.expirationTimestamp === 'string') out.expiresAt = Date.parse(status.expirationTimestamp);
  if (!out.token && !(out.clientCertificateData && out.clientKeyData)) {
    throw new ForbiddenError(`exec credential plugin ${plugin.command}: status has neither a token nor a certificate`);
  }
  return out;
}

/**
 * Runs an exec credential plugin when a credential is first needed, again
 * once it has expired, and again after the server answered 401 (`invalidate`).
 * Concurrent callers share one run.
 */
export class ExecCredentialSource {
  private current?: Promise<ExecCredentialStatus>;

  constructor(
    private readonly plugin: ExecCredentialPlugin,
    private readonly clock: Clock,
  ) {}

  async credential(): Promise<ExecCredentialStatus> {
    const pending = this.current;
    if (pending) {
      const status = await pending.catch(() => undefined);
      if (status && (status.expiresAt === undefined || status.expiresAt > this.clock.now())) return status;
      if (this.current !== pending) return this.credential();
    }
    const next = run(this.plugin).then((stdout) => parseExecCredential(stdout, this.plugin));
    this.current = next;
    return next;
  }

  invalidate(): void {
    this.current = undefined;
  }
}
