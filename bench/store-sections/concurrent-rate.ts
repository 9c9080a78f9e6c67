import { performance } from 'node:perf_hooks';

/** Milliseconds to run `n` operations (`op(0)` to `op(n - 1)`) with `concurrency` in flight. */
export async function timeConcurrent(
  n: number,
  concurrency: number,
  op: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await op(next++);
    }),
  );
  return performance.now() - t0;
}
