/**
 * How one field of a kind merges: the facts Kubernetes keeps in its Go struct
 * tags (`patchStrategy`, `patchMergeKey`) and OpenAPI markers (`listType`,
 * `listMapKey`), written out as data. Strategic merge patch and server-side
 * apply read the same description.
 *
 * A field without a description merges as an object when it is one (member by
 * member) and is replaced whole when it is a list or a scalar, which is what
 * both mechanisms do for untagged fields.
 */
export interface FieldSchema {
  /** The described members of an object. */
  readonly fields?: Readonly<Record<string, FieldSchema>>;
  /** A string-keyed map (`labels`, `resources.limits`) whose values merge as this. */
  readonly values?: FieldSchema;
  /** A list and how its items merge. */
  readonly list?: ListSchema;
  /**
   * `patchStrategy:"retainKeys"` (a Deployment's `strategy`, a Volume's
   * source): a strategic patch may carry `$retainKeys`, and keys it leaves
   * out are cleared.
   */
  readonly retainKeys?: boolean;
  /**
   * `+structType=atomic` / `+mapType=atomic` (a LabelSelector): server-side
   * apply owns the object as one value, never member by member.
   */
  readonly atomic?: boolean;
}

/** How a list merges. */
export interface ListSchema {
  /**
   * `map`: items are objects identified by `keys` and merged item by item
   * (`containers` by `name`); `set`: items are scalars merged as a set
   * (`finalizers`); `atomic`: the list is replaced whole (`tolerations`).
   */
  readonly type: 'map' | 'set' | 'atomic';
  /** For `map` lists: the `listMapKey`s identifying an item, the strategic merge key first. */
  readonly keys?: readonly string[];
  /**
   * Values a missing key takes, as server-side apply reads them (a port's
   * `protocol` is `TCP` when absent).
   */
  readonly keyDefaults?: Readonly<Record<string, string | number>>;
  /** How each item merges. */
  readonly items?: FieldSchema;
}

/** An object with these described members. */
export const struct = (fields: Record<string, FieldSchema>, extra: Omit<FieldSchema, 'fields'> = {}): FieldSchema => ({
  fields,
  ...extra,
});

/** A list of objects merged by `keys` (the first is the strategic merge key). */
export const mapList = (
  keys: readonly string[],
  items?: FieldSchema,
  keyDefaults?: Readonly<Record<string, string | number>>,
): FieldSchema => ({ list: { type: 'map', keys, items, keyDefaults } });

/** A list of scalars merged as a set. */
export const setList: FieldSchema = { list: { type: 'set' } };

/** A list replaced whole. */
export const atomicList: FieldSchema = { list: { type: 'atomic' } };

/** A string-keyed map of these values. */
export const mapOf = (values: FieldSchema): FieldSchema => ({ values });

/** The description of a member of an object described by `schema`, if any. */
export function memberSchema(schema: FieldSchema | undefined, key: string): FieldSchema | undefined {
  return schema?.fields?.[key] ?? schema?.values;
}
