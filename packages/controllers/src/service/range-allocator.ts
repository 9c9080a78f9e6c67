import { Bitmap } from './bitmap.js';

/** Why a specific value could not be allocated. */
export type AllocateFailure = 'out-of-range' | 'allocated';

/**
 * Hands out integers from `[first, last]`, each to one owner (a Service's
 * uid) at a time; the base of the ClusterIP and NodePort allocators.
 *
 * Guarantees: a value is held by at most one owner; `allocateNext` walks
 * from just after the previous allocation, so a released value is reused
 * last (clients holding a stale address are less likely to reach a new
 * service).
 *
 * Caveats: in memory, one per process; rebuild it from the store after a
 * restart (`ServiceAllocations` does).
 */
export class RangeAllocator {
  private readonly bitmap: Bitmap;
  private readonly owners = new Map<number, { owner: string; at: number }>();
  private cursor = 0;

  constructor(
    readonly first: number,
    readonly last: number,
  ) {
    this.bitmap = new Bitmap(last - first + 1);
  }

  /** How many values are held. */
  get used(): number {
    return this.bitmap.used;
  }

  /** The size of the range. */
  get size(): number {
    return this.bitmap.size;
  }

  /** True when `value` lies inside the range this allocator hands out. */
  contains(value: number): boolean {
    return Number.isInteger(value) && value >= this.first && value <= this.last;
  }

  /** Who holds `value`, if anyone. */
  ownerOf(value: number): string | undefined {
    return this.owners.get(value)?.owner;
  }

  /** Every held value with its owner and the time it was allocated. */
  entries(): IterableIterator<[number, { owner: string; at: number }]> {
    return this.owners.entries();
  }

  /** Why `value` cannot be given to `owner`, or undefined if it can (free, or already theirs). */
  check(value: number, owner: string): AllocateFailure | undefined {
    if (!this.contains(value)) return 'out-of-range';
    const held = this.owners.get(value);
    return held && held.owner !== owner ? 'allocated' : undefined;
  }

  /** Gives `value` to `owner` at time `at`; returns the failure instead when it cannot. */
  allocate(value: number, owner: string, at: number): AllocateFailure | undefined {
    const failure = this.check(value, owner);
    if (failure) return failure;
    this.bitmap.set(value - this.first);
    this.owners.set(value, { owner, at });
    return undefined;
  }

  /** The value `allocateNext` would pick, without taking it (for dry runs). */
  peekNext(): number | undefined {
    const offset = this.bitmap.nextClear(this.cursor);
    return offset === undefined ? undefined : this.first + offset;
  }

  /** Gives the next free value to `owner`; undefined when the range is full. */
  allocateNext(owner: string, at: number): number | undefined {
    const value = this.peekNext();
    if (value === undefined) return undefined;
    this.allocate(value, owner, at);
    this.cursor = (value - this.first + 1) % this.size;
    return value;
  }

  /** Frees `value` if `owner` holds it (a stale release cannot free someone else's value). */
  release(value: number, owner: string): boolean {
    if (this.owners.get(value)?.owner !== owner) return false;
    this.owners.delete(value);
    this.bitmap.clear(value - this.first);
    return true;
  }

  /** Frees everything. */
  reset(): void {
    for (const value of this.owners.keys()) this.bitmap.clear(value - this.first);
    this.owners.clear();
  }
}
