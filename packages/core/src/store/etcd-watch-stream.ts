import type { Etcd3, IDuplexStream, IEvent, IWatchCreateRequest, IWatchRequest, IWatchResponse } from 'etcd3';

/** What one etcd watch stream reports to its owner. Handlers must not throw. */
export interface WatchStreamHandlers {
  /** A batch of events, in revision order. */
  events(events: IEvent[]): void;
  /** etcd says every change up to `revision` has been sent (a progress notification). */
  progress(revision: number): void;
  /** etcd ended the watch: `compactRevision` is set when the start revision was compacted away. */
  cancelled(reason: string, compactRevision: number | undefined): void;
  /** The stream broke (a member died, the connection dropped): nothing more will arrive on it. */
  broken(err: Error): void;
}

/**
 * One etcd watch on its own gRPC stream, driven directly rather than through
 * etcd3's shared `WatchManager`.
 *
 * Why: the shared manager multiplexes every watch over one stream and
 * matches replies by watch id; when etcd cancels a watch itself (its start
 * revision was compacted) and the watch is then cancelled by the client, the
 * reply to that second cancel finds no watcher and the manager throws inside
 * the stream's data handler, where nothing can catch it: an uncaught
 * exception. A stream per watch needs no ids and no cancel request: closing
 * it cancels the call, and etcd drops the watch with it.
 *
 * Guarantees:
 * - Nothing thrown or emitted by the stream escapes: every 'error' and 'end'
 *   has a listener for the stream's whole life, including after `close`.
 * - After `close`, no handler is called.
 * - At most one of `cancelled` and `broken` is reported, once.
 */
export class EtcdWatchStream {
  private stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
  private done = false;

  constructor(
    client: Etcd3,
    request: IWatchCreateRequest,
    private readonly handlers: WatchStreamHandlers,
  ) {
    client.watchClient.watch().then(
      (stream) => {
        stream.on('error', (err: Error) => this.break(err));
        stream.on('end', () => this.break(new Error('etcd ended the watch stream')));
        stream.on('data', (res: IWatchResponse) => this.receive(res));
        if (this.done) {
          stream.cancel();
          return;
        }
        this.stream = stream;
        stream.write({ create_request: request });
      },
      (err: unknown) => this.break(err instanceof Error ? err : new Error(String(err))),
    );
  }

  /** Ends the watch: the call is cancelled and no handler runs again. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.stream?.cancel();
  }

  private receive(res: IWatchResponse): void {
    if (this.done) return;
    if (res.canceled) {
      this.done = true;
      this.stream?.cancel();
      const compact = Number(res.compact_revision);
      this.handlers.cancelled(res.cancel_reason || 'no reason given', compact > 0 ? compact : undefined);
      return;
    }
    if (res.created) return;
    if (res.events.length > 0) this.handlers.events(res.events);
    // An empty, non-creating reply is a progress notification: etcd sends one
    // only to a watch that has caught up, so its revision is fully delivered.
    else this.handlers.progress(Number(res.header.revision));
  }

  private break(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.stream?.cancel();
    this.handlers.broken(err);
  }
}
