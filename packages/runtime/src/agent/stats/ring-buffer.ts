/**
 * A fixed-capacity FIFO: pushing into a full buffer drops the oldest entry,
 * so memory stays bounded however long the agent runs.
 */
export class RingBuffer<T> {
  private readonly slots: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array<T | undefined>(capacity);
  }

  /** How many entries are held. */
  get size(): number {
    return this.count;
  }

  /** Appends `value`, dropping the oldest entry when full. */
  push(value: T): void {
    const end = (this.start + this.count) % this.capacity;
    this.slots[end] = value;
    if (this.count < this.capacity) this.count += 1;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The entries, oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.slots[(this.start + i) % this.capacity] as T);
    return out;
  }
}
