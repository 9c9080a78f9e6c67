import { Observable, type Subscriber } from 'rxjs';
import type { ClientListOptions, ClientWatchOptions } from '../../src/api/types.js';
import type { ResourceClientSource } from '../../src/informer/informer.js';
import type { KubeObject } from '../../src/model/meta.js';
import type { Store, WatchEvent } from '../../src/store/store.js';

/**
 * An informer source straight over a Store (kind `Pod` -> resource `pods`),
 * with the faults informers must survive: dropped watches and failing lists.
 */
export class FaultyStoreSource implements ResourceClientSource {
  /** Lists to fail before one succeeds. */
  failLists = 0;
  listCalls = 0;
  readonly watchRevisions: (string | undefined)[] = [];
  private readonly open = new Set<Subscriber<WatchEvent>>();

  constructor(private readonly store: Store) {}

  resource(kind: string) {
    const resource = `${kind.toLowerCase()}s`;
    return {
      list: async (opts: ClientListOptions = {}) => {
        this.listCalls++;
        if (this.failLists > 0) {
          this.failLists--;
          throw new Error('connection refused');
        }
        return this.store.list(resource, { namespace: opts.namespace, labelSelector: opts.labelSelector as string });
      },
      watch: (opts: ClientWatchOptions = {}) => {
        this.watchRevisions.push(opts.resourceVersion);
        return new Observable<WatchEvent>((subscriber) => {
          this.open.add(subscriber);
          const sub = this.store.watch(resource, opts).subscribe(subscriber);
          return () => {
            this.open.delete(subscriber);
            sub.unsubscribe();
          };
        });
      },
    };
  }

  /** Ends every open watch: with `err` as an error, or as a clean close. */
  dropWatches(err?: Error): void {
    for (const s of [...this.open]) {
      if (err) s.error(err);
      else s.complete();
    }
  }
}

/** A minimal pod for informer tests. */
export function pod(name: string, labels: Record<string, string> = {}, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { nodeName: 'node-1' } };
}

/** Stores a pod under its key. */
export function podKey(name: string, namespace = 'default') {
  return { resource: 'pods', namespace, name };
}
