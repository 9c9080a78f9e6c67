/** How many distinct leaves one generation of the table remembers before it starts afresh. */
const GENERATION_SIZE = 50_000;

/** Leaves with more members than this are left alone: big ones rarely repeat, and their key costs their size. */
const MAX_MEMBERS = 8;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Makes equal small leaves of stored objects one shared, frozen object: a
 * leaf is an object or array whose members are all scalars or shared leaves
 * themselves (a toleration, `resources.requests`, an owner reference, a
 * condition, an empty `annotations`, an array of such). The pods of one
 * template repeat most of theirs, and each state of an object in the watch
 * history repeats those of the state before it, so a store of thousands of
 * pods holds each distinct leaf once instead of once per pod and per state.
 *
 * Guarantees: a leaf is replaced only by one whose JSON is the same text
 * (same members in the same order), holding no `undefined`, no non-finite
 * number and no `-0`; what is shared is frozen, so no holder can change it
 * for the others (the store hands out copies, or deep-frozen objects to
 * shared watchers).
 *
 * Caveats: the table holds at most `GENERATION_SIZE` leaves (their JSON as
 * keys) and is then dropped and started again: leaves seen once (an Event's
 * metadata) cost a generation's slot, not memory for good.
 */
export class SharedLeaves {
  private table = new Map<string, object>();
  private readonly shared = new WeakSet<object>();

  /** Replaces the repeated leaves inside `root` (the store's own object, not yet handed to anyone) with shared ones. */
  shareWithin(root: object): void {
    this.visit(root as Json);
  }

  /** `value` with its leaves shared: the shared leaf equal to it, or itself (its members replaced) if it is none. */
  private visit(value: Json): Json {
    if (value === null || typeof value !== 'object' || this.shared.has(value)) return value;
    // A frozen part (a previous state's, which the Api's rewrite kept) is read as it is: nothing may be written into it.
    const writable = !Object.isFrozen(value);
    let leaf = true;
    let members = 0;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const member = writable ? this.visit(value[i]) : value[i];
        if (member !== value[i]) value[i] = member;
        leaf &&= isSharable(member, this.shared);
        members++;
      }
    } else {
      for (const key in value) {
        // A `__proto__` key must stay data: it is never assigned, and its object is not a leaf.
        const member = writable && key !== '__proto__' ? this.visit(value[key]) : value[key];
        if (member !== value[key]) value[key] = member;
        leaf &&= key !== '__proto__' && isSharable(member, this.shared);
        members++;
      }
    }
    if (!leaf || members > MAX_MEMBERS) return value;
    const key = JSON.stringify(value);
    const found = this.table.get(key);
    if (found) return found as Json;
    if (this.table.size >= GENERATION_SIZE) this.table = new Map();
    Object.freeze(value);
    this.shared.add(value);
    this.table.set(key, value);
    return value;
  }
}

/** Whether `member` may be part of a shared leaf: a scalar whose JSON is exact, or a leaf already shared. */
function isSharable(member: Json | undefined, shared: WeakSet<object>): boolean {
  switch (typeof member) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(member) && !Object.is(member, -0);
    case 'object':
      return member === null || shared.has(member);
    default:
      return false;
  }
}
