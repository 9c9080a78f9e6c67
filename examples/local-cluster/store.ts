import { BadRequestError, EtcdStore, openStore as openStoreAt, type Store } from '@flotilla/core';
import type { StoreChoice } from './options.js';

const etcdProbeTimeoutMs = 3000;

/**
 * The store the cluster runs on: a fresh MemoryStore, the FileStore in a
 * directory (with whatever a previous run left there), or an EtcdStore that
 * has answered a read.
 *
 * @throws BadRequestError explaining how to start etcd, when it does not answer.
 */
export async function openStore(choice: StoreChoice): Promise<Store> {
  if (choice.kind !== 'etcd') return openStoreAt(choice);
  // A probe that gives up soon: the cluster's own store retries reads across member failures for 30 s.
  const probe = new EtcdStore({
    endpoints: choice.endpoints,
    requestTimeoutMs: etcdProbeTimeoutMs,
    retryForMs: etcdProbeTimeoutMs,
  });
  try {
    await probe.list('namespaces', { limit: 1 });
    await probe.close();
    return new EtcdStore({ endpoints: choice.endpoints });
  } catch (err) {
    await probe.close().catch(() => undefined);
    const first = new URL(choice.endpoints[0]);
    throw new BadRequestError(
      `etcd does not answer at ${choice.endpoints.join(', ')} (${(err as Error).message}).\n` +
        `Start one, for example:\n  etcd --data-dir "$(mktemp -d)" --listen-client-urls ${first.origin} --advertise-client-urls ${first.origin}\n` +
        'or leave out --store to run on the embedded MemoryStore.',
    );
  }
}
