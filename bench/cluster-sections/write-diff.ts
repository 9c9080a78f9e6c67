/**
 * What each store update changed: the field paths whose values differ
 * between the stored object and its replacement, so a run can say which
 * writes repeat (a status flapping, a timestamp rewritten, a write that
 * changes nothing) instead of only how many there were.
 */
import type { KubeObject } from '@flotilla/core';

/** Fields every write changes, or bookkeeping that says nothing of why. */
const ignored = new Set(['metadata.resourceVersion', 'metadata.managedFields', 'metadata.generation']);

/**
 * An enumerated value's change is part of its path (a phase, a condition's status, a flag); an address, a name, a
 * time or a count is not, so the same kind of write from different objects counts once.
 */
const shown = (v: unknown) => typeof v === 'boolean' || (typeof v === 'string' && /^[A-Z][A-Za-z]{0,24}$/.test(v));

/** List elements keyed by what names them in Kubernetes' lists (conditions by type, containers by name). */
function elementKey(v: unknown, i: number): string {
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.type === 'string') return o.type;
    if (typeof o.name === 'string') return o.name;
  }
  return String(i);
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  if (!v || typeof v !== 'object') return undefined;
  if (!Array.isArray(v)) return v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  v.forEach((e, i) => {
    out[`[${elementKey(e, i)}]`] = e;
  });
  return out;
}

function diff(a: unknown, b: unknown, path: string, depth: number, out: string[]): void {
  if (a === b || ignored.has(path)) return;
  const ra = asRecord(a);
  const rb = asRecord(b);
  if (ra && rb && depth < 6) {
    for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
      diff(ra[k], rb[k], k.startsWith('[') ? `${path}${k}` : path ? `${path}.${k}` : k, depth + 1, out);
    }
    return;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const show = (shown(a) || a === undefined) && (shown(b) || b === undefined);
  out.push(show ? `${path}=${String(a)}>${String(b)}` : path);
}

/** The changed paths of an update, sorted; empty when only bookkeeping changed. */
export function changedPaths(before: KubeObject, after: KubeObject): string[] {
  const out: string[] = [];
  diff(before, after, '', 0, out);
  // Positions in a list say nothing of why it changed: count [3] and [7] as one path.
  return [...new Set(out.map((p) => p.replace(/\[\d+\]/g, '[*]')))].sort();
}

/** Counts updates by resource and by the set of paths they changed, and writes per object. */
export class WriteDiffs {
  private readonly bySignature = new Map<string, number>();
  private readonly perObject = new Map<string, number>();

  /** Records one successful update of `resource` from `before` to `after`. */
  update(resource: string, before: KubeObject, after: KubeObject): void {
    const paths = changedPaths(before, after);
    const signature = `${resource} ${paths.length ? paths.join(' ') : '(nothing)'}`;
    this.bySignature.set(signature, (this.bySignature.get(signature) ?? 0) + 1);
    this.written(resource, after);
  }

  /** Records any write (create, update, delete) of an object. */
  written(resource: string, obj: KubeObject): void {
    const key = `${resource}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    this.perObject.set(key, (this.perObject.get(key) ?? 0) + 1);
  }

  /** The `top` most frequent update signatures, and the spread of writes per object of `resource`. */
  print(top: number, resource: string): void {
    console.log('updates by what they changed (count, resource, changed paths):');
    for (const [signature, n] of [...this.bySignature].sort((x, y) => y[1] - x[1]).slice(0, top)) {
      console.log(`  ${String(n).padStart(8)}  ${signature}`);
    }
    const counts = [...this.perObject]
      .filter(([k]) => k.startsWith(`${resource}/`))
      .map(([, n]) => n)
      .sort((x, y) => x - y);
    if (!counts.length) return;
    const at = (q: number) => counts[Math.min(counts.length - 1, Math.floor(q * counts.length))];
    console.log(
      `writes per ${resource} object: ${counts.length} objects, p50 ${at(0.5)}, p90 ${at(0.9)}, p99 ${at(0.99)}, max ${counts.at(-1)}`,
    );
  }
}
