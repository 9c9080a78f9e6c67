import type { UsageSample } from './usage-history.js';

/** Numbers per sample in the ring: time, CPU, memory. */
const STRIDE = 3;
/** Slots of a new series: most pods are sampled a few times before they go or the window fills. */
const INITIAL_SLOTS = 4;

/**
 * A fixed-capacity FIFO of usage samples held as numbers in one
 * Float64Array (24 bytes a sample, against ~100 for a sample object and
 * its boxed numbers), grown by doubling up to `capacity` so a short-lived
 * pod does not pay for a full window. Pushing into a full ring drops the
 * oldest sample, so memory stays bounded however long the agent runs.
 */
export class UsageRing {
  private data: Float64Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.data = new Float64Array(Math.min(capacity, INITIAL_SLOTS) * STRIDE);
  }

  /** How many samples are held. */
  get size(): number {
    return this.count;
  }

  /** Appends `sample`, dropping the oldest when the ring is at its capacity. */
  push(sample: UsageSample): void {
    const slots = this.data.length / STRIDE;
    if (this.count === slots && slots < this.capacity) this.grow(Math.min(this.capacity, slots * 2));
    const size = this.data.length / STRIDE;
    const at = ((this.start + this.count) % size) * STRIDE;
    this.data[at] = sample.time;
    this.data[at + 1] = sample.cpuNanoCores;
    this.data[at + 2] = sample.memoryWorkingSetBytes;
    if (this.count < size) this.count += 1;
    else this.start = (this.start + 1) % size;
  }

  /** The samples, oldest first. */
  toArray(): UsageSample[] {
    const size = this.data.length / STRIDE;
    const out: UsageSample[] = [];
    for (let i = 0; i < this.count; i++) {
      const at = ((this.start + i) % size) * STRIDE;
      out.push({ time: this.data[at], cpuNanoCores: this.data[at + 1], memoryWorkingSetBytes: this.data[at + 2] });
    }
    return out;
  }

  /** Moves the samples into a larger array: a ring only wraps at its capacity, so they start at slot 0. */
  private grow(slots: number): void {
    const next = new Float64Array(slots * STRIDE);
    next.set(this.data);
    this.data = next;
  }
}
