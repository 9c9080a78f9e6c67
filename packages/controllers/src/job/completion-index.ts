/** Annotation and label carrying an Indexed Job pod's index. */
export const completionIndexKey = 'batch.kubernetes.io/job-completion-index';
/** The environment variable an Indexed Job pod reads its index from. */
export const completionIndexEnv = 'JOB_COMPLETION_INDEX';

/** Parses Kubernetes' `completedIndexes` range form (`"0-3,5,7-8"`) into a set. */
export function parseIndexRanges(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    if (!part) continue;
    const [lo, hi] = part.split('-').map((n) => Number.parseInt(n, 10));
    for (let i = lo; i <= (hi ?? lo); i++) out.add(i);
  }
  return out;
}

/** Formats indexes in the range form, ascending, with consecutive runs collapsed. */
export function formatIndexRanges(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The lowest `count` indexes in `[0, completions)` that are neither completed nor running. */
export function indexesToStart(
  completions: number,
  completed: ReadonlySet<number>,
  running: ReadonlySet<number>,
  count: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) {
    if (!completed.has(i) && !running.has(i)) out.push(i);
  }
  return out;
}
