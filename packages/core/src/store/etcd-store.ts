import { noop } from 'cockatiel';
import { Etcd3, type IEvent, type IKeyValue, type IRequestOp, type ITxnResponse } from 'etcd3';
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
  UnknownOutcomeError,
} from '../errors/api-errors.js';
import { cloneJson } from '../json/clone-json.js';
import { compileLabelSelector } from '../model/labels.js';
import type { KubeObject } from '../model/meta.js';
import { decodeContinueToken, encodeContinueToken } from './continue-token.js';
import {
  firstChangeAfter,
  isTransient,
  OutcomeUnknown,
  pauseBefore,
  type Recognition,
  type WriteOutcome,
  writeExactly,
} from './etcd-exact-write.js';
import { EtcdWatchStream } from './etcd-watch-stream.js';
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
  /**
   * How long a call keeps being retried across member failures, in
   * milliseconds. A read then fails with etcd's error; a write whose outcome
   * is still open then fails with `UnknownOutcomeError`. Default 30,000.
   */
  retryForMs?: number;
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
 * - Exact write outcomes across member failures: a write whose reply was
 *   lost is re-sent (its compare lets at most one copy apply), and when the
 *   copy is refused the key's history tells whether the first copy applied:
 *   then the write is reported as applied, at the revision it got. A write
 *   is never reported failed although applied, nor applied twice by a
 *   retry. When the outcome cannot be learnt within `retryForMs`, or the
 *   history that would tell was compacted, the write fails with
 *   `UnknownOutcomeError` (reason `Timeout`): read the object back before
 *   writing again.
 * - A delete without a precondition reads the object and deletes it at
 *   that revision (as Kubernetes' storage does), so it is exact too.
 * - Nothing from the etcd client escapes as an uncaught exception: each
 *   watch has its own stream, closed by cancelling the call.
 *
 * Caveats:
 * - Retained history is whatever etcd has not compacted: a watch from, or a
 *   continue token at, a compacted revision fails with `ExpiredError`.
 * - Watch events are delivered asynchronously, as etcd sends them.
 * - With a label selector, a page can hold fewer than `limit` items and the
 *   last page can be empty: `continue` is set whenever keys remain unread.
 * - A write is recognised as its own by its exact bytes: if another writer
 *   wrote identical bytes at the same precondition, the two are one change.
 * - A create whose first copy applied and was then deleted by someone else
 *   before the retry is created again by the retry.
 */
export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly prefix: string;
  private readonly retryForMs: number;
  private readonly watches = new Set<Subscriber<WatchEvent>>();

  constructor(options: EtcdStoreOptions) {
    this.prefix = options.prefix ?? '/registry';
    const timeout = options.requestTimeoutMs ?? 10_000;
    this.retryForMs = options.retryForMs ?? 30_000;
    this.client = new Etcd3({
      hosts: options.endpoints,
      // etcd3 would re-send a transaction whose reply was lost and report the
      // copy's refusal; the store retries itself and tells the two apart.
      faultHandling: { global: noop },
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
    const txn = this.client.if(k, 'Version', '==', 0).then(putOp(k, json)).else(rangeOp(k));
    // A refused copy is ours if the key's current life began with our bytes.
    const recognise = async (): Promise<Recognition> => {
      const current = await this.call(() => this.client.get(k).exec());
      const kv = current.kvs[0];
      if (!kv) return { applied: false };
      return this.recognisePut(k, Number(kv.create_revision) - 1, json);
    };
    const outcome = await this.writeExactly(key, 'create', () => txn.commit(), recognise);
    if (!outcome.applied) throw new AlreadyExistsError(target(key));
    return stamped(obj, outcome.revision, opts.handOver);
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
    const txn = this.client.if(k, 'Mod', '==', expected).then(putOp(k, json)).else(rangeOp(k));
    const outcome = await this.writeExactly(
      key,
      'update',
      () => txn.commit(),
      () => this.recognisePut(k, expected, json),
    );
    if (!outcome.applied) throw this.preconditionFailure(key, outcome.refusal.responses[0]?.response_range?.kvs);
    return stamped(obj, outcome.revision, opts.handOver);
  }

  async delete(key: ObjectKey, expectedResourceVersion?: string): Promise<KubeObject> {
    if (expectedResourceVersion !== undefined) {
      return this.deleteAt(key, parseRevision(expectedResourceVersion, 'expected resourceVersion'));
    }
    // Read, then delete at the revision read, until no one writes in between:
    // a guarded delete is one whose outcome can be told after a lost reply.
    for (;;) {
      const current = await this.call(() => this.client.get(this.objectKey(key)).exec());
      const kv = current.kvs[0];
      if (!kv) throw new NotFoundError(target(key));
      try {
        return await this.deleteAt(key, Number(kv.mod_revision));
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  }

  watch(resource: string, opts: WatchOptions = {}): Observable<WatchEvent> {
    return new Observable<WatchEvent>((subscriber) => {
      const prefix = this.scopePrefix(resource, opts.namespace);
      let stream: EtcdWatchStream | undefined;
      let retry: NodeJS.Timeout | undefined;
      let attempt = 0;
      let lastDelivered = 0;
      this.watches.add(subscriber);
      const deliver = (events: IEvent[]) => {
        attempt = 0;
        for (const ev of events) {
          const revision = Number(ev.kv.mod_revision);
          // A resumed stream can repeat what the broken one delivered; drop it.
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
      };
      // Each (re)connection starts right after the last revision delivered.
      const connect = () => {
        retry = undefined;
        if (subscriber.closed) return;
        stream = new EtcdWatchStream(
          this.client,
          {
            key: Buffer.from(prefix),
            range_end: Buffer.from(prefixEnd(prefix)),
            start_revision: String(lastDelivered + 1),
            prev_kv: true,
            progress_notify: true,
          },
          {
            events: deliver,
            progress: (revision) => {
              lastDelivered = Math.max(lastDelivered, revision);
            },
            cancelled: (reason, compactRevision) =>
              subscriber.error(
                compactRevision === undefined
                  ? new Error(`etcd cancelled the watch of ${prefix}: ${reason}`)
                  : new ExpiredError(String(lastDelivered), String(compactRevision)),
              ),
            broken: () => {
              stream = undefined;
              if (!subscriber.closed) retry = setTimeout(connect, Math.min(100 * 2 ** attempt++, 2_000));
            },
          },
        );
      };
      const start = async () => {
        lastDelivered =
          opts.resourceVersion === undefined || opts.resourceVersion === '0'
            ? Number(await this.currentRevision())
            : parseRevision(opts.resourceVersion);
        connect();
      };
      start().catch((err: unknown) => subscriber.error(err));
      return () => {
        this.watches.delete(subscriber);
        clearTimeout(retry);
        stream?.close();
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

  /**
   * Runs a read, retrying it across member failures for `retryForMs` (a read
   * is safe to repeat), and maps etcd's revision errors to typed ones.
   */
  private async call<T>(fn: () => Promise<T>, revision?: number): Promise<T> {
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (/compacted/.test(message)) throw new ExpiredError(String(revision ?? 'unknown'));
        if (/future revision/.test(message)) {
          throw new BadRequestError(
            `revision ${revision} is newer than the store: pass back a token this store issued`,
          );
        }
        if (!isTransient(err) || !(await pauseBefore(deadline, attempt))) throw err;
      }
    }
  }

  /** A guarded write with its outcome made exact (see the class comment); an open outcome becomes `UnknownOutcomeError`. */
  private async writeExactly(
    key: ObjectKey,
    operation: UnknownOutcomeError['operation'],
    commit: () => Promise<ITxnResponse>,
    recognise: () => Promise<Recognition>,
  ): Promise<WriteOutcome> {
    try {
      const deadline = Date.now() + this.retryForMs;
      return await writeExactly(commit, recognise, (attempt) => pauseBefore(deadline, attempt));
    } catch (err) {
      if (err instanceof OutcomeUnknown) throw new UnknownOutcomeError(target(key), operation, err.message);
      throw err;
    }
  }

  /** Whether the first change of `k` after `revision` put exactly `json`: then that was this write. */
  private async recognisePut(k: string, revision: number, json: string): Promise<Recognition> {
    const change = await firstChangeAfter(this.client, k, revision, Date.now() + this.retryForMs);
    const ours = change.type === 'Put' && change.kv.value.toString() === json;
    return ours ? { applied: true, revision: change.kv.mod_revision } : { applied: false };
  }

  /** Deletes `key` if it is still at `expected`; a refused copy is ours if the next change after `expected` was a delete. */
  private async deleteAt(key: ObjectKey, expected: number): Promise<KubeObject> {
    const k = this.objectKey(key);
    const txn = this.client.if(k, 'Mod', '==', expected).then(deleteOp(k)).else(rangeOp(k));
    const recognise = async (): Promise<Recognition> => {
      const change = await firstChangeAfter(this.client, k, expected, Date.now() + this.retryForMs);
      return change.type === 'Delete'
        ? { applied: true, revision: change.kv.mod_revision, removed: change.prev_kv?.value }
        : { applied: false };
    };
    const outcome = await this.writeExactly(key, 'delete', () => txn.commit(), recognise);
    if (!outcome.applied) throw this.preconditionFailure(key, outcome.refusal.responses[0]?.response_range?.kvs);
    if (!outcome.removed) throw new NotFoundError(target(key));
    return decodeObject(outcome.removed.toString(), outcome.revision);
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
