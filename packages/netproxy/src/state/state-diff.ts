import { type ServicePortState, statePatch } from './proxy-state.js';

/**
 * True when two states of a service port render the same rules. Identical
 * objects (which `buildProxyState` returns for unchanged frozen inputs)
 * compare in O(1); otherwise the content is compared.
 */
export function samePort(a: ServicePortState, b: ServicePortState): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Something rendered from one service port. */
export interface RenderedFrom {
  readonly port: ServicePortState;
}

/** The outcome of `carryOver`. */
export interface CarriedOver<R extends RenderedFrom> {
  /** One rendering per current port, in the current (sorted) order. */
  readonly rendered: readonly R[];
  /** Renderings made now: ports that are new or changed. */
  readonly written: readonly R[];
  /** Previous renderings not carried over: ports that changed or are gone. */
  readonly dropped: readonly R[];
}

const order = (a: ServicePortState, b: ServicePortState) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0;

/**
 * Reuses the previous rendering of every unchanged port and renders the
 * rest. Both lists are sorted by port name (as `buildProxyState` sorts
 * them), so one merge walk pairs them: no map of 10,000 names is built per
 * sync, and the cost of an unchanged port is one comparison.
 *
 * With `base` (the ports `previous` was rendered from) and `current` made
 * from them by `buildProxyState`, only the ports its patch took out and put
 * in are paired, and the renderings array is edited at those positions: the
 * unchanged ports are not read at all.
 *
 * Guarantees: the same result with or without `base`.
 */
export function carryOver<R extends RenderedFrom>(
  previous: readonly R[],
  current: readonly ServicePortState[],
  render: (port: ServicePortState) => R,
  base?: readonly ServicePortState[],
): CarriedOver<R> {
  if (base === undefined || previous.length !== base.length) return pair(previous, current, render);
  if (current === base) return { rendered: previous, written: [], dropped: [] };
  const patch = statePatch(current);
  if (patch?.basePorts !== base) return pair(previous, current, render);
  const changed = pair(
    patch.removed.map((at) => previous[at]),
    patch.added.map((at) => current[at]),
    render,
  );
  const rendered = previous.slice();
  for (let k = patch.removed.length - 1; k >= 0; k--) rendered.splice(patch.removed[k], 1);
  for (const [k, at] of patch.added.entries()) rendered.splice(at, 0, changed.rendered[k]);
  return { rendered, written: changed.written, dropped: changed.dropped };
}

/** The merge walk of `carryOver`: pairs sorted renderings with sorted ports by name and protocol. */
function pair<R extends RenderedFrom>(
  previous: readonly R[],
  current: readonly ServicePortState[],
  render: (port: ServicePortState) => R,
): CarriedOver<R> {
  const rendered: R[] = [];
  const written: R[] = [];
  const dropped: R[] = [];
  let i = 0;
  for (const port of current) {
    while (i < previous.length && order(previous[i].port, port) < 0) dropped.push(previous[i++]);
    const old = i < previous.length && order(previous[i].port, port) === 0 ? previous[i++] : undefined;
    if (old && samePort(old.port, port)) rendered.push(old);
    else {
      if (old) dropped.push(old);
      const fresh = render(port);
      rendered.push(fresh);
      written.push(fresh);
    }
  }
  while (i < previous.length) dropped.push(previous[i++]);
  return { rendered, written, dropped };
}
