import type { KubeObject } from '@flotilla/core';
import { type ApiClient, ApiRefusal } from './api-client.js';
import { readLines } from './ndjson.js';
import { type ResourceKind, resourcePath } from './resource-kinds.js';

/** Where a collection's list+watch stands; the views show it beside each table. */
export type CollectionState =
  | { phase: 'listing' }
  | { phase: 'watching'; resourceVersion: string }
  | { phase: 'refused'; refusal: ApiRefusal }
  | { phase: 'retrying'; error: string };

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject & { code?: number; reason?: string; message?: string };
}

/** Delays between attempts after a failure (ms); the last one repeats. Kept apart from the loop, as client-go does. */
export const RETRY_DELAYS_MS = [500, 1000, 2000, 5000];

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * One kind's objects, kept current the way an informer keeps them: a list,
 * then a watch from the list's `resourceVersion` (bookmarks on). A watch
 * that ends is reopened from the last revision seen; a 410 Expired (the
 * revision compacted away) starts again from a fresh list. Never polls.
 *
 * Guarantees: `items` reflects every event received, in order; listeners
 * run after each change (batch them: a list delivers thousands at once).
 * A 401/403 stops the loop and is kept in `state` to show the viewer:
 * retrying would only be refused again.
 */
export class WatchedCollection<T extends KubeObject = KubeObject> {
  readonly items = new Map<string, T>();
  state: CollectionState = { phase: 'listing' };
  private readonly listeners = new Set<() => void>();
  private readonly abort = new AbortController();
  private resourceVersion = '';

  constructor(
    private readonly client: ApiClient,
    readonly kind: ResourceKind,
  ) {}

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many listeners follow the collection. */
  get followers(): number {
    return this.listeners.size;
  }

  /** Starts the list+watch loop; it runs until `stop`. */
  start(): void {
    void this.run();
  }

  stop(): void {
    this.abort.abort();
  }

  /** The objects in name order. */
  list(): T[] {
    return [...this.items.values()];
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  private async run(): Promise<void> {
    let failures = 0;
    let mustList = true;
    while (!this.abort.signal.aborted) {
      try {
        if (mustList) {
          this.state = { phase: 'listing' };
          await this.relist();
          mustList = false;
        }
        this.state = { phase: 'watching', resourceVersion: this.resourceVersion };
        this.changed();
        const expired = await this.watch();
        failures = 0;
        mustList = expired;
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (err instanceof ApiRefusal && (err.code === 401 || err.code === 403)) {
          this.state = { phase: 'refused', refusal: err };
          this.changed();
          return;
        }
        this.state = { phase: 'retrying', error: err instanceof ApiRefusal ? err.describe() : String(err) };
        this.changed();
        const delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)];
        failures++;
        await new Promise((resolve) => setTimeout(resolve, delay));
        mustList = true;
      }
    }
  }

  private async relist(): Promise<void> {
    const list = await this.client.request<{ metadata: { resourceVersion: string }; items: T[] }>(
      'GET',
      resourcePath(this.kind),
    );
    this.items.clear();
    for (const item of list.items) this.items.set(keyOf(item), item);
    this.resourceVersion = list.metadata.resourceVersion;
  }

  /** Watches until the stream ends; true when it ended with 410 Expired (list again). */
  private async watch(): Promise<boolean> {
    const query = `?watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(this.resourceVersion)}`;
    const res = await this.client.openStream(resourcePath(this.kind) + query, this.abort.signal);
    let expired = false;
    await readLines(res.body as ReadableStream<Uint8Array>, (line) => {
      const event = JSON.parse(line) as WatchEvent;
      if (event.type === 'ERROR') {
        if (event.object.code === 410) expired = true;
        else throw new ApiRefusal(event.object.code ?? 500, event.object.reason ?? 'Error', event.object.message ?? '');
        return;
      }
      this.resourceVersion = event.object.metadata.resourceVersion ?? this.resourceVersion;
      if (event.type === 'BOOKMARK') return;
      const obj = event.object as T;
      if (event.type === 'DELETED') this.items.delete(keyOf(obj));
      else this.items.set(keyOf(obj), obj);
      this.changed();
    });
    return expired;
  }
}
