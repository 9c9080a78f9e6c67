/**
 * A set of small integers `0..size-1` in a bit array: what Kubernetes'
 * service IP and node port allocators are built on (`bitmap.AllocationBitmap`).
 * A /12 service range takes 128 KiB.
 */
export class Bitmap {
  private readonly bits: Uint8Array;
  private count = 0;

  constructor(readonly size: number) {
    this.bits = new Uint8Array(Math.ceil(size / 8));
  }

  /** How many members are set. */
  get used(): number {
    return this.count;
  }

  /** True when bit `i` is set. */
  has(i: number): boolean {
    return (this.bits[i >> 3] & (1 << (i & 7))) !== 0;
  }

  /** Sets `i`; returns false if it was already set. */
  set(i: number): boolean {
    if (this.has(i)) return false;
    this.bits[i >> 3] |= 1 << (i & 7);
    this.count++;
    return true;
  }

  /** Clears `i`; returns false if it was not set. */
  clear(i: number): boolean {
    if (!this.has(i)) return false;
    this.bits[i >> 3] &= ~(1 << (i & 7));
    this.count--;
    return true;
  }

  /** The first clear member at or after `from`, wrapping around; undefined when full. Skips full bytes. */
  nextClear(from: number): number | undefined {
    if (this.count >= this.size) return undefined;
    for (let n = 0, i = from % this.size; n < this.size; ) {
      if ((i & 7) === 0 && this.bits[i >> 3] === 0xff && i + 8 <= this.size) {
        i = (i + 8) % this.size;
        n += 8;
        continue;
      }
      if (!this.has(i)) return i;
      i = (i + 1) % this.size;
      n++;
    }
    return undefined;
  }
}
