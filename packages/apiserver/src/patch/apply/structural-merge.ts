import { cloneJson, isJsonObject, setMember } from '@flotilla/core';
import { type FieldSchema, memberSchema } from '../field-schema.js';
import { granularList, itemElement } from './field-path.js';

/**
 * Merges an applied configuration into the live object, as server-side apply
 * does before it prunes: objects merge member by member (`null` removes a
 * member), map lists merge item by item on their keys and set lists as sets
 * (live items keep their places, new items follow in the applied order),
 * everything else (scalars, atomic lists and objects) takes the applied
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
  if (Array.isArray(applied) && Array.isArray(live) && granularList(list, applied) && granularList(list, live)) {
    const out = [...live];
    for (const item of applied) {
      const element = itemElement(item, list);
      const at = out.findIndex((v) => itemElement(v, list) === element);
      if (list.type === 'set') {
        if (at < 0) out.push(cloneJson(item));
      } else if (at >= 0) out[at] = structuralMerge(out[at], item, list.items);
      else out.push(cloneJson(item));
    }
    return out;
  }
  return cloneJson(applied);
}
