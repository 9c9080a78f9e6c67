import { cloneJson, isJsonObject, setMember } from '@flotilla/core';
import { type FieldSchema, type ListSchema, memberSchema } from '../field-schema.js';
import { granularList, itemElement } from './field-path.js';

/**
 * Merges an applied configuration into the live object, as server-side apply
 * does before it prunes: objects merge member by member (`null` removes a
 * member), map lists merge item by item on their keys and set lists as sets
 * (in structured-merge-diff's order), everything else (scalars, atomic lists and objects) takes the applied
 * value. Neither argument is changed.
 */
export function structuralMerge(live: unknown, applied: unknown, schema: FieldSchema | undefined): unknown {
  if (isJsonObject(applied) && !schema?.atomic) {
    const out: Record<string, unknown> = isJsonObject(live) ? { ...live } : {};
    for (const key of Object.keys(applied)) {
      const value = applied[key];
      if (value === null) delete out[key];
      else
        setMember(
          out,
          key,
          structuralMerge(Object.hasOwn(out, key) ? out[key] : undefined, value, memberSchema(schema, key)),
        );
    }
    return out;
  }
  const list = schema?.list;
  if (Array.isArray(applied) && Array.isArray(live) && granularList(list, applied) && granularList(list, live))
    return mergeItems(live, applied, list);
  return cloneJson(applied);
}

/**
 * Merges two granular lists in structured-merge-diff's order: live items the
 * applied list lacks keep their places, items both have follow the applied
 * order, items only the applied list has come where it puts them.
 */
function mergeItems(live: unknown[], applied: unknown[], list: ListSchema): unknown[] {
  const lhs = live.map((item) => itemElement(item, list));
  const rhs = applied.map((item) => itemElement(item, list));
  const lhsItems = new Map(lhs.map((e, i) => [e, live[i]]));
  const rhsItems = new Map(rhs.map((e, i) => [e, applied[i]]));
  const shared = rhs.filter((e) => lhsItems.has(e));
  let nextShared = 0;
  const merge = (element: string) =>
    rhsItems.has(element)
      ? list.type === 'set'
        ? cloneJson(rhsItems.get(element))
        : structuralMerge(lhsItems.get(element), rhsItems.get(element), list.items)
      : lhsItems.get(element);
  const out: unknown[] = [];
  let l = 0;
  let r = 0;
  while (l < lhs.length || r < rhs.length) {
    if (l < lhs.length && r < rhs.length) {
      if (lhs[l] === rhs[r]) {
        out.push(merge(lhs[l]));
        l++;
        r++;
        nextShared++;
        continue;
      }
      // A shared item out of the applied order waits for its turn there.
      if (rhsItems.has(lhs[l]) && nextShared < shared.length && shared[nextShared] !== lhs[l]) {
        l++;
        continue;
      }
    }
    if (l < lhs.length && !rhsItems.has(lhs[l])) {
      out.push(merge(lhs[l]));
      l++;
      continue;
    }
    if (r < rhs.length) {
      out.push(merge(rhs[r]));
      if (nextShared < shared.length && shared[nextShared] === rhs[r]) nextShared++;
      r++;
    } else l++;
  }
  return out;
}
