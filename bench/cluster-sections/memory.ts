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
