import type { ProxyState, ServicePortState } from './proxy-state.js';

/**
 * True when two states of a service port render the same rules. Identical
 * objects (reused by `buildProxyState` for unchanged frozen inputs) compare
 * in O(1); otherwise the content is compared.
 */
export function samePort(a: ServicePortState, b: ServicePortState): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** What changed between two proxy states, per service port name. */
export interface StateDiff {
  /** Ports new in `current`, or changed since `previous` (their current state). */
  readonly changed: readonly ServicePortState[];
  /** Ports gone from `current`, or changed (their previous state). */
  readonly replaced: readonly ServicePortState[];
}

/** Compares two states port by port; node facts are the caller's concern. */
export function diffStates(previous: ProxyState, current: ProxyState): StateDiff {
  const before = new Map(previous.servicePorts.map((p) => [p.name, p]));
  const changed: ServicePortState[] = [];
  const replaced: ServicePortState[] = [];
  for (const port of current.servicePorts) {
    const old = before.get(port.name);
    before.delete(port.name);
    if (old && samePort(old, port)) continue;
    changed.push(port);
    if (old) replaced.push(old);
  }
  for (const gone of before.values()) replaced.push(gone);
  return { changed, replaced };
}
