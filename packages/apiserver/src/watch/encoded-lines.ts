import type { WatchEvent } from '@flotilla/core';
import { objectJson } from '../encoding/object-json.js';

/** A watch event's type: the store's, or the server's own BOOKMARK and ERROR. */
export type EventType = WatchEvent['type'] | 'BOOKMARK' | 'ERROR';

const LINE_END = Buffer.from('}\n');

/**
 * One watch event as its line on the wire: `{"type":...,"object":...}` and a
 * newline. The object's text comes from `objectJson`: a store's shared
 * object is encoded once, for every watch and every later list.
 */
export const eventLine = (type: EventType, object: object): Buffer =>
  Buffer.concat([Buffer.from(`{"type":${JSON.stringify(type)},"object":`), objectJson(object), LINE_END]);

/**
 * Each store change's line, made once: watchers of different scopes (or of
 * an etcd store) get different copies of the object, but a change is named
 * by its type, object uid and revision, so a hundred watchers of one kind
 * cost one line per change, not a hundred. The newest `capacity` lines are
 * kept; a watcher far enough behind to miss them encodes its own.
 */
export class EncodedLines {
  private readonly lines = new Map<string, Buffer>();

  constructor(private readonly capacity: number) {}

  /** The line of `event`, shared with every other watcher of the same change. */
  lineFor(event: WatchEvent): Buffer {
    const { uid, resourceVersion } = event.object.metadata;
    if (uid === undefined || resourceVersion === undefined) return eventLine(event.type, event.object);
    const key = `${event.type} ${uid} ${resourceVersion}`;
    let line = this.lines.get(key);
    if (line === undefined) {
      line = eventLine(event.type, event.object);
      this.lines.set(key, line);
      // Map keeps insertion order: the first key is the oldest line.
      if (this.lines.size > this.capacity) this.lines.delete(this.lines.keys().next().value as string);
    }
    return line;
  }
}
