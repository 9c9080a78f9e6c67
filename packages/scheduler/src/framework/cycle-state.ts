/**
 * A typed key for CycleState entries. Each plugin declares its own keys, so
 * two plugins never read each other's data by accident.
 */
export class StateKey<T> {
  /** Phantom member: ties the key to its value type. */
  declare readonly valueType: T;
  constructor(readonly name: string) {}
}

/**
 * Data computed once per scheduling cycle and shared between one plugin's
 * extension points (PreFilter computes, Filter reads). A new CycleState is
 * made for every pod attempt.
 *
 * Caveats: preemption clones the state to evaluate "what if these pods were
 * gone"; values that a plugin changes in place during PreFilter extensions
 * must implement `CloneableState` so that the clone does not share them.
 */
export class CycleState {
  private readonly values = new Map<string, unknown>();

  /** The value a plugin wrote under `key` in this cycle, if any. */
  read<T>(key: StateKey<T>): T | undefined {
    return this.values.get(key.name) as T | undefined;
  }

  /** Stores a value for later extension points of the same cycle. */
  write<T>(key: StateKey<T>, value: T): void {
    this.values.set(key.name, value);
  }

  /** A copy whose cloneable values are deep enough copies to be changed independently. */
  clone(): CycleState {
    const copy = new CycleState();
    for (const [k, v] of this.values) copy.values.set(k, isCloneable(v) ? v.clone() : v);
    return copy;
  }
}

/** A cycle-state value that preemption may change on a copy of the state. */
export interface CloneableState {
  /** A copy that can be changed without affecting the original. */
  clone(): CloneableState;
}

function isCloneable(v: unknown): v is CloneableState {
  return typeof v === 'object' && v !== null && typeof (v as { clone?: unknown }).clone === 'function';
}
