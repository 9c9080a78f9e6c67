/** Each suffix as a power of ten (decimal) or of two (binary, `i`). */
const DECIMAL: Record<string, number> = { '': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** `base` times ten to `exp`; a negative power divides, so `3800m` is exactly 3.8, not 3.8000000000000003. */
const scale10 = (base: number, exp: number) => (exp < 0 ? base / 10 ** -exp : base * 10 ** exp);

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/;

/**
 * A Kubernetes quantity (`250m`, `1.5Gi`, `1e3`) as a float, for drawing
 * bars: precise to a float's 53 bits, which a bar never needs beyond.
 * Returns 0 for a missing or malformed value (the server validated it).
 */
export function quantityValue(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return q;
  const m = QUANTITY.exec(q.trim());
  if (!m) return 0;
  const base = Number(m[1]);
  if (m[2]) return scale10(base, Number(m[2].slice(1)));
  const suffix = m[3] ?? '';
  return suffix in BINARY ? base * 2 ** BINARY[suffix] : scale10(base, DECIMAL[suffix]);
}

/** CPU in cores as people read it: `250m`, `2`, `1.5`. */
export function formatCpu(cores: number): string {
  if (cores === 0) return '0';
  if (cores < 1) return `${Math.round(cores * 1000)}m`;
  return `${Math.round(cores * 100) / 100}`;
}

/** Bytes in binary units: `512Mi`, `1.5Gi`. */
export function formatBytes(bytes: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Math.round(v * 10) / 10}${units[i]}`;
}
