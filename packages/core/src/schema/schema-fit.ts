import type { FieldSchema } from './field-schema.js';

/** A compiled schema: true if a value fits it (removing known members set to null on the way). */
type Fit = (value: unknown) => boolean;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const scalarFits: Readonly<Record<string, Fit>> = {
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  number: (v) => typeof v === 'number',
  int64: (v) => Number.isSafeInteger(v),
  int32: (v) => Number.isInteger(v) && (v as number) >= INT32_MIN && (v as number) <= INT32_MAX,
  intOrString: (v) => typeof v === 'string' || Number.isSafeInteger(v),
  quantity: (v) => typeof v === 'string' || typeof v === 'number',
  any: () => true,
  anyObject: isObject,
};

const compiled = new WeakMap<FieldSchema, Fit>();

/**
 * The schema as a tree of closures, made once per schema object: the check
 * of a valid object (every write's case) then costs a few property lookups
 * per present field and allocates nothing. A schema that contains itself (a
 * CRD's JSONSchemaProps) compiles to closures that call each other.
 */
function compile(schema: FieldSchema): Fit {
  const known = compiled.get(schema);
  if (known) return known;
  if (schema.type === 'array') {
    let item: Fit = scalarFits.any!;
    const fit: Fit = (v) => {
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) if (!item(v[i])) return false;
      return true;
    };
    compiled.set(schema, fit);
    item = compile(schema.items);
    return fit;
  }
  if (schema.type === 'object') {
    if (schema.additionalProperties) {
      let value: Fit = scalarFits.any!;
      const fit: Fit = (v) => {
        if (!isObject(v)) return false;
        for (const key in v) if (!value(v[key])) return false;
        return true;
      };
      compiled.set(schema, fit);
      value = compile(schema.additionalProperties);
      return fit;
    }
    if (!schema.properties) return scalarFits.anyObject!;
    const fields = new Map<string, Fit>();
    const fit: Fit = (v) => {
      if (!isObject(v)) return false;
      for (const key in v) {
        const field = fields.get(key);
        if (field === undefined) continue;
        const member = v[key];
        if (member === null) delete v[key];
        else if (!field(member)) return false;
      }
      return true;
    };
    compiled.set(schema, fit);
    for (const [key, field] of Object.entries(schema.properties)) fields.set(key, compile(field));
    return fit;
  }
  const name = schema.type === 'integer' ? (schema.format === 'int32' ? 'int32' : 'int64') : schema.type;
  return scalarFits[name]!;
}

/**
 * True if `value` fits `schema` (see `checkSchema` for the rules, which this
 * shares): the fast answer for the common case, with no path and no error
 * built. Like `checkSchema`, removes known members set to `null`.
 */
export function fitsSchema(value: unknown, schema: FieldSchema): boolean {
  return compile(schema)(value);
}
