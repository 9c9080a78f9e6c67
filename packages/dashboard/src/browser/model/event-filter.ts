import type { Event } from '@flotilla/core';

/** What the events view filters on. */
export interface EventFilter {
  /** `''`: every namespace. */
  namespace: string;
  /** `''`: both types. */
  type: '' | 'Normal' | 'Warning';
  /** Words looked for in the reason, the object and the message. */
  text: string;
}

/** When an event last happened: series and legacy timestamps, whichever it has. */
export const lastSeen = (e: Event) =>
  e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;

/** The events that pass `filter`, newest first. */
export function filterEvents(events: Iterable<Event>, filter: EventFilter): Event[] {
  const words = filter.text.trim().toLowerCase();
  const object = (e: Event) => `${e.involvedObject.kind}/${e.involvedObject.name}`;
  return [...events]
    .filter(
      (e) =>
        (!filter.namespace || e.metadata.namespace === filter.namespace) &&
        (!filter.type || (e.type ?? 'Normal') === filter.type) &&
        (!words || `${e.reason ?? ''} ${object(e)} ${e.message ?? ''}`.toLowerCase().includes(words)),
    )
    .sort((a, b) => (lastSeen(b) ?? '').localeCompare(lastSeen(a) ?? ''));
}
