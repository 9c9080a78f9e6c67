import { Etcd3, type IKeyValue, type IRequestOp, type IWatchResponse, type Watcher } from 'etcd3';
import { Observable, type Subscriber } from 'rxjs';
import {
  AlreadyExistsError,
  type ApiError,
  BadRequestError,
  ConflictError,
  type ErrorTarget,
  ExpiredError,
  NotFoundError,
  RequestTooLargeError,
} from '../errors/api-errors.js';
import { cloneJson } from '../json/clone-json.js';
import { compileLabelSelector } from '../model/labels.js';
import type { KubeObject } from '../model/meta.js';
import { decodeContinueToken, encodeContinueToken } from './continue-token.js';
import { decodeObject, encodeObject } from './object-codec.js';
import { parseRevision } from './revision.js';
import type {
  ListOptions,
  ListResult,
  ObjectKey,
  Store,
  StoreWriteOptions,
  WatchEvent,
  WatchOptions,
} from './store.js';

/** Options for `EtcdStore`. */
export interface EtcdStoreOptions {
  /** Client URLs of the etcd members, e.g. `['http://127.0.0.1:2379']`. */
  endpoints: string[];
  /** Key prefix of every object. Default `/registry`, as in Kubernetes. */
  prefix?: string;
  /** Per-request deadline in milliseconds, so a dead member fails over instead of hanging. Default 10,000. */
  requestTimeoutMs?: number;
}

/** etcd's default `--max-request-bytes`: larger values are refused by the server. */
const etcdRequestLimitBytes = 1.5 * 1024 * 1024;

/** How many keys one range call reads while filling a filtered page. */
const minRangeBatch = 100;

/**
 * A `Store` over etcd v3, laid out like Kubernetes' storage: one key per
 * object, `<prefix>/<resource>/<namespace>/<name>` (cluster-scoped objects
 * have no namespace segment), the object's JSON as the value, and the key's
 * `mod_revision` as `metadata.resourceVersion`.
 *
 * Guarantees (beyond `Store`'s):
 * - Creates are a transaction on `version == 0`; updates and preconditioned
 *   deletes compare `mod_revision`: concurrent writers through any member
 *   never lose an update.
 * - Watches start at `resourceVersion + 1` and survive a lost connection or a
 *   dead member: the watch resumes from the last revision it delivered, so no
 *   event is skipped or repeated. A watch without a revision starts after the
 *   revision current when it was subscribed.
 * - Lists read every page at the first page's revision (an etcd range at a
 *   fixed revision); label selectors are applied client-side.
 * - `delete` returns, and the `DELETED` event carries, the last stored state
 *   stamped with the deleting revision.
 *
 * Caveats:
 * - Retained history is whatever etcd has not compacted: a watch from, or a
 *   continue token at, a compacted revision fails with `ExpiredError`.
 * - Watch events are delivered asynchronously, as etcd sends them.
 * - With a label selector, a page can hold fewer than `limit` items and the
 *   last page can be empty: `continue` is set whenever keys remain unread.
 * - A write retried by the client after a lost reply can fail its own
 *   precondition (`AlreadyExists` or `Conflict` although it was applied):
 *   read the object again before retrying, as with any conflict.
 */
export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly prefix: string;
  private readonly watches = new Set<Subscriber<WatchEvent>>();

  constructor(options: EtcdStoreOptions) {
    this.prefix = options.prefix ?? '/registry';
    const timeout = options.requestTimeoutMs ?? 10_000;
    this.client = new Etcd3({
      hosts: options.endpoints,
      // A watch replaying from an old revision gets up to 1,000 revisions per
      // message; gRPC's default 4 MiB cap would make it fail and reconnect
      // forever (Kubernetes lifts the cap the same way).
      grpcOptions: { 'grpc.max_receive_message_length': -1 },
      // Watch streams live as long as the watch; only unary calls get a deadline.
      defaultCallOptions: (call) => (call.isStream ? {} : { deadline: Date.now() + timeout }),
    });
  }

  async get(key: ObjectKey): Promise<KubeObject> {
    const res = await this.call(() => this.client.get(this.objectKey(key)).exec());
    const kv = res.kvs[0];
    if (!kv) throw new NotFoundError(target(key));
    return decodeObject(kv.value.toString(), kv.mod_revision);
  }

  async list(resource: string, opts: ListOptions = {}): Promise<ListResult> {
    const selector = compileLabelSelector(opts.labelSelector);
    const position = opts.continue === undefined ? undefined : decodeContinueToken(opts.continue);
    const prefix = this.scopePrefix(resource, opts.namespace);
    const end = prefixEnd(prefix);
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : 0;
    let revision = position?.revision;
    let start = position ? `${position.lastKey}\u0000` : prefix;
    const items: KubeObject[] = [];
    for (;;) {
      const want = limit === 0 ? 0 : selector.empty ? limit - items.length : Math.max(minRangeBatch, limit);
      const range = this.client.getAll().inRange({ start, end });
      if (want > 0) range.limit(want);
      if (revision !== undefined) range.revision(revision);
      const res = await this.call(() => range.exec(), revision);
      revision ??= Number(res.header.revision);
      for (let i = 0; i < res.kvs.length; i++) {
        const kv = res.kvs[i];
        const obj = decodeObject(kv.value.toString(), kv.mod_revision);
        if (!selector.matches(obj.metadata.labels)) continue;
        items.push(obj);
        const unread = i < res.kvs.length - 1 || res.more;
        if (limit > 0 && items.length === limit && unread) {
          return { items, resourceVersion: String(revision), continue: this.token(revision, kv) };
        }
      }
      if (!res.more || res.kvs.length === 0) return { items, resourceVersion: String(revision) };
      start = `${res.kvs[res.kvs.length - 1].key.toString()}\u0000`;
    }
  }

  async create(key: ObjectKey, obj: KubeObject, opts: StoreWriteOptions = {}): Promise<KubeObject> {
    const k = this.objectKey(key);
    const json = this.encode(obj);
    const res = await this.call(() => this.client.if(k, 'Version', '==', 0).then(putOp(k, json)).commit());
    if (!res.succeeded) throw new AlreadyExistsError(target(key));
    return stamped(obj, res.header.revision, opts.handOver);
  }

  async update(
    key: ObjectKey,
    obj: KubeObject,
    expectedResourceVersion: string,
    opts: StoreWriteOptions = {},
  ): Promise<KubeObject> {
    const expected = parseRevision(expectedResourceVersion, 'expected resourceVersion');
    const k = this.objectKey(key);
    const json = this.encode(obj);
    const res = await this.call(() =>
      this.client.if(k, 'Mod', '==', expected).then(putOp(k, json)).else(rangeOp(k)).commit(),
    );
    if (!res.succeeded) throw this.preconditionFailure(key, res.responses[0]?.response_range?.kvs);
    return stamped(obj, res.header.revision, opts.handOver);
  }

  async delete(key: ObjectKey, expectedResourceVersion?: string): Promise<KubeObject> {
    const k = this.objectKey(key);
    const txn =
      expectedResourceVersion === undefined
        ? this.client.if(k, 'Version', '>', 0)
        : this.client.if(k, 'Mod', '==', parseRevision(expectedResourceVersion, 'expected resourceVersion'));
    const res = await this.call(() => txn.then(deleteOp(k)).else(rangeOp(k)).commit());
    if (!res.succeeded) throw this.preconditionFailure(key, res.responses[0]?.response_range?.kvs);
    const previous = res.responses[0]?.response_delete_range?.prev_kvs?.[0];
    if (!previous) throw new NotFoundError(target(key));
    return decodeObject(previous.value.toString(), res.header.revision);
  }

  watch(resource: string, opts: WatchOptions = {}): Observable<WatchEvent> {
    return new Observable<WatchEvent>((subscriber) => {
      const prefix = this.scopePrefix(resource, opts.namespace);
      let watcher: Watcher | undefined;
      this.watches.add(subscriber);
      const run = async () => {
        let lastDelivered =
          opts.resourceVersion === undefined || opts.resourceVersion === '0'
            ? Number(await this.currentRevision())
            : parseRevision(opts.resourceVersion);
        if (subscriber.closed) return;
        // `watcher()` attaches synchronously, so no response can arrive before the listeners.
        const created = this.client
          .watch()
          .prefix(prefix)
          .withPreviousKV()
          .startRevision(String(lastDelivered + 1))
          .watcher();
        watcher = created;
        created.on('data', (res: IWatchResponse) => {
          for (const ev of res.events) {
            const revision = Number(ev.kv.mod_revision);
            // etcd3 resumes from the last response header it saw; repeated events are dropped here.
            if (revision <= lastDelivered || subscriber.closed) continue;
            lastDelivered = revision;
            try {
              const event = toWatchEvent(ev.type, ev.kv, ev.prev_kv);
              if (opts.filter && !opts.filter(event.object)) continue;
              subscriber.next(event);
            } catch (err) {
              subscriber.error(err);
              return;
            }
          }
        });
        // etcd3 re-sends `request` when it reconnects; point it at the next
        // revision we have not delivered (its own bookkeeping can run ahead of
        // delivery while a replay from an old revision is still streaming).
        created.on('disconnected', () => {
          created.request.start_revision = String(lastDelivered + 1);
        });
        created.on('error', (err: Error) => {
          void this.watchFailure(err, lastDelivered).then((failure) => subscriber.error(failure));
        });
      };
      run().catch((err: unknown) => subscriber.error(err));
      return () => {
        this.watches.delete(subscriber);
        // Cancelling fails only when the connection is already gone, and then etcd has dropped the watch itself.
        watcher?.cancel().catch(() => undefined);
      };
    });
  }

  async currentRevision(): Promise<string> {
    const res = await this.call(() => this.client.get(this.prefix).exec());
    return res.header.revision;
  }

  /** The resources holding at least one object under the prefix (a keys-only scan), for exporting every object. */
  async resources(): Promise<string[]> {
    const keys = await this.call(() => this.client.getAll().prefix(`${this.prefix}/`).keys());
    const resources = new Set<string>();
    for (const key of keys) resources.add(key.slice(this.prefix.length + 1, key.indexOf('/', this.prefix.length + 1)));
    return [...resources];
  }

  /** Ends every open watch and closes the etcd connections. */
  async close(): Promise<void> {
    for (const w of this.watches) w.complete();
    this.watches.clear();
    this.client.close();
  }

  private objectKey(key: ObjectKey): string {
    return key.namespace
      ? `${this.prefix}/${key.resource}/${key.namespace}/${key.name}`
      : `${this.prefix}/${key.resource}/${key.name}`;
  }

  private scopePrefix(resource: string, namespace: string | undefined): string {
    return namespace ? `${this.prefix}/${resource}/${namespace}/` : `${this.prefix}/${resource}/`;
  }

  private encode(obj: KubeObject): string {
    // resourceVersion is derived from mod_revision on read, never stored.
    const json = encodeObject(obj);
    const size = Buffer.byteLength(json);
    if (size > etcdRequestLimitBytes) throw new RequestTooLargeError(size, etcdRequestLimitBytes);
    return json;
  }

  private token(revision: number, kv: IKeyValue): string {
    return encodeContinueToken({ revision, lastKey: kv.key.toString() });
  }

  /** Why a CAS transaction failed: the key was gone, or it was at another revision. */
  private preconditionFailure(key: ObjectKey, current: IKeyValue[] | undefined): ApiError {
    return current && current.length > 0 ? new ConflictError(target(key)) : new NotFoundError(target(key));
  }

  /** Runs an etcd call, mapping etcd's revision errors to the Store's typed errors. */
  private async call<T>(fn: () => Promise<T>, revision?: number): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/compacted/.test(message)) throw new ExpiredError(String(revision ?? 'unknown'));
      if (/future revision/.test(message)) {
        throw new BadRequestError(`revision ${revision} is newer than the store: pass back a token this store issued`);
      }
      throw err;
    }
  }

  /**
   * etcd cancels a watch whose start revision was compacted without saying
   * so in a typed way; a range at that revision tells compaction apart from
   * other failures.
   */
  private async watchFailure(err: Error, lastDelivered: number): Promise<unknown> {
    try {
      await this.call(
        () =>
          this.client
            .get(this.prefix)
            .revision(lastDelivered + 1)
            .exec(),
        lastDelivered + 1,
      );
      return err;
    } catch (probe) {
      return probe instanceof ExpiredError ? new ExpiredError(String(lastDelivered)) : err;
    }
  }
}

function toWatchEvent(type: string, kv: IKeyValue, previous: IKeyValue | undefined): WatchEvent {
  if (type === 'Delete') {
    if (!previous) {
      throw new Error(
        `etcd sent a delete of ${kv.key.toString()} at revision ${kv.mod_revision} without its previous value: watch again from a fresh list`,
      );
    }
    return { type: 'DELETED', object: decodeObject(previous.value.toString(), kv.mod_revision) };
  }
  return {
    type: kv.create_revision === kv.mod_revision ? 'ADDED' : 'MODIFIED',
    object: decodeObject(kv.value.toString(), kv.mod_revision),
  };
}

/** The written object as a fresh copy with its new revision (a copy is cheaper than parsing what was sent). */
/** The written object with its new revision: `obj` itself when the caller handed it over, else a copy. */
function stamped(obj: KubeObject, revision: string, handedOver = false): KubeObject {
  const result = handedOver ? obj : cloneJson(obj);
  result.metadata.resourceVersion = revision;
  return result;
}

function target(key: ObjectKey): ErrorTarget {
  return { resource: key.resource, namespace: key.namespace, name: key.name };
}

/** The smallest key after every key starting with `prefix` (etcd's range_end for a prefix). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

const putOp = (key: string, json: string): IRequestOp => ({
  request_put: { key: Buffer.from(key), value: Buffer.from(json) },
});
const rangeOp = (key: string): IRequestOp => ({ request_range: { key: Buffer.from(key) } });
const deleteOp = (key: string): IRequestOp => ({ request_delete_range: { key: Buffer.from(key), prev_kv: true } });
