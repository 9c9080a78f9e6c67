import { readFile } from 'node:fs/promises';
import { ApiServer, tokenFileAuthenticator } from '@flotilla/apiserver';
import {
  Api,
  AuthorizerChain,
  EtcdStore,
  ensureBootstrapRbac,
  InformerFactory,
  NodeAuthorizer,
  type Pod,
  RbacAuthorizer,
} from '@flotilla/core';
import type { ServerFiles } from '../credentials.js';
import { aborted, type ProcessContext } from './role-context.js';

/** What an apiserver process is started with (kube-apiserver's `--etcd-servers`, TLS and token files). */
export interface ApiServerArgs {
  etcd: string[];
  files: ServerFiles;
}

/**
 * kube-apiserver: the Api over the shared etcd, served over HTTPS on
 * 127.0.0.1 (a free port, reported as `serving`), authenticating by the
 * static token file and authorizing with `--authorization-mode=Node,RBAC`
 * over the bootstrap policy, which it reconciles at start as
 * kube-apiserver's `rbac/bootstrap-roles` hook does.
 */
// #region apiserver
export async function runApiServer(ctx: ProcessContext, args: ApiServerArgs): Promise<void> {
  const { clock, logger, signal } = ctx;
  const read = (path: string) => readFile(path, 'utf8');
  const { files } = args;
  const [caCert, cert, key, tokens] = await Promise.all([
    read(files.caCert),
    read(files.cert),
    read(files.key),
    read(files.tokenFile),
  ]);
  const store = new EtcdStore({ endpoints: args.etcd, requestTimeoutMs: 3000 });
  const api = new Api({ store, clock });
  const informers = new InformerFactory(api, { clock, logger });
  try {
    await ensureBootstrapRbac(api);
    const authorizer = new AuthorizerChain([
      new NodeAuthorizer(informers.for<Pod>('Pod').cache),
      RbacAuthorizer.fromInformers(informers),
    ]);
    informers.start(signal);
    await informers.waitForSync();
    const server = new ApiServer({ api, authenticator: tokenFileAuthenticator(tokens), authorizer, logger });
    const info = await server.listen({
      host: '127.0.0.1',
      port: 0,
      tls: { caCert, cert, key },
    });
    ctx.report({ event: 'serving', url: info.url });
    await aborted(signal);
    await server.stop();
  } finally {
    await api.close();
    await store.close();
  }
}
// #endregion apiserver
