/** Memory figures after a full collection, so that they count what is retained and not what awaits the collector. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** `process.memoryUsage()` after two full garbage collections. */
export function heapAfterGc(): NodeJS.MemoryUsage {
  gc();
  gc();
  return process.memoryUsage();
}

/**
 * Where the resident set goes: the V8 heap (used after a full collection, and what V8 keeps committed beyond
 * it), memory outside the heap that V8 knows of (Buffers, ArrayBuffers), and the rest (code, stacks, the
 * allocator's free lists and fragmentation).
 */
export function describeRss(m: NodeJS.MemoryUsage): string {
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  return (
    `RSS ${mib(m.rss)} = V8 heap ${mib(m.heapTotal)} (${mib(m.heapUsed)} live after GC) + external ${mib(m.external)} ` +
    `+ the rest ${mib(m.rss - m.heapTotal - m.external)} (code, stacks, malloc)`
  );
}
