import type { KubeObject } from '@flotilla/core';
import { Actions } from '../api/actions.js';
import type { ApiClient } from '../api/api-client.js';
import { KINDS, type KindName } from '../api/resource-kinds.js';
import { type CollectionState, WatchedCollection } from '../api/watched-collection.js';

/**
 * What every view shares: one list+watch per kind, open while a view shows
 * that kind and closed when none does, and the actions.
 *
 * Why close: over HTTP/1.1 a browser keeps at most 6 connections to one
 * origin, and every open watch holds one. The views are cut so that none
 * needs more than two kinds at once, which leaves connections free for the
 * actions' requests (and for a second tab).
 */
export class ViewContext {
  readonly actions: Actions;
  private readonly collections = new Map<KindName, WatchedCollection>();

  constructor(readonly client: ApiClient) {
    this.actions = new Actions(client);
  }

  /** The collection of a kind; its list+watch runs while a view follows it (`follow`). */
  collection<T extends KubeObject>(kind: KindName): WatchedCollection<T> {
    let c = this.collections.get(kind);
    if (!c) {
      c = new WatchedCollection(this.client, KINDS[kind]);
      this.collections.set(kind, c);
    }
    return c as WatchedCollection<T>;
  }

  /**
   * Calls `render` (at most once per frame) whenever one of `kinds` changes;
   * returns the function that stops listening.
   */
  follow(kinds: KindName[], render: () => void): () => void {
    let frame = 0;
    const schedule = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        render();
      });
    };
    const followed = kinds.map((k) => {
      const c = this.collection(k);
      if (c.followers === 0) c.start();
      return { kind: k, c, unsubscribe: c.subscribe(schedule) };
    });
    schedule();
    return () => {
      // A render already queued must not draw into a container another view now owns.
      cancelAnimationFrame(frame);
      for (const { kind, c, unsubscribe } of followed) {
        unsubscribe();
        if (c.followers > 0) continue;
        c.stop();
        this.collections.delete(kind);
      }
    };
  }

  stop(): void {
    for (const c of this.collections.values()) c.stop();
  }
}

/** A view of the page: its route, its tab's title, and how it draws itself into a container. */
export interface View {
  id: string;
  title: string;
  /** Draws the view and keeps it current; returns the function that stops it. */
  mount(container: HTMLElement, ctx: ViewContext): () => void;
}

/** A line saying where a collection's watch stands, when it is not simply live. */
export function collectionNote(title: string, state: CollectionState): string | undefined {
  switch (state.phase) {
    case 'listing':
      return `${title}: loading…`;
    case 'refused':
      return `${title}: ${state.refusal.describe()}`;
    case 'retrying':
      return `${title}: connection lost (${state.error}); retrying`;
    default:
      return undefined;
  }
}
