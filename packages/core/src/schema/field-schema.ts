/**
 * The structural type of a field, in the spirit of an OpenAPI schema (what
 * Kubernetes derives from its Go types and checks while decoding a request):
 * enough to know that a field the Api's defaulting or validation reads holds
 * the JSON type they expect. Plain data, so a custom kind can carry one.
 *
 * - `string`, `boolean`, `number` (finite), `integer` (a safe integer, or a
 *   32-bit one with `format: 'int32'`);
 * - `intOrString` (Kubernetes' `IntOrString`: ports, maxSurge), `quantity`
 *   (a resource quantity, written as a string or a number);
 * - `object`: `properties` lists the known members (others are kept
 *   unchecked, as Flotilla keeps unknown fields); `additionalProperties` types
 *   every member (a map such as `labels`); neither: an object of whatever members;
 * - `array` of `items`;
 * - `any`: not checked.
 */
export type FieldSchema =
  | { readonly type: 'string' | 'boolean' | 'number' | 'intOrString' | 'quantity' | 'any' }
  | { readonly type: 'integer'; readonly format?: 'int32' }
  | {
      readonly type: 'object';
      readonly properties?: { readonly [field: string]: FieldSchema };
      readonly additionalProperties?: FieldSchema;
    }
  | { readonly type: 'array'; readonly items: FieldSchema };

/** The schema of an object: what `ResourceType.schema` holds (metadata, apiVersion and kind are checked for every kind). */
export type ObjectSchema = Extract<FieldSchema, { type: 'object' }>;

// Builders: the built-in schemas read like the Go types they mirror.

export const str: FieldSchema = { type: 'string' };
export const bool: FieldSchema = { type: 'boolean' };
export const int32: FieldSchema = { type: 'integer', format: 'int32' };
export const int64: FieldSchema = { type: 'integer' };
export const num: FieldSchema = { type: 'number' };
export const intOrString: FieldSchema = { type: 'intOrString' };
export const quantity: FieldSchema = { type: 'quantity' };
/** An object whose members are not checked (`securityContext`, a projected volume). */
export const anyObject: ObjectSchema = { type: 'object' };
export const stringMap: ObjectSchema = { type: 'object', additionalProperties: str };
export const stringList: FieldSchema = { type: 'array', items: str };
/** Timestamps are RFC 3339 strings on the wire. */
export const time: FieldSchema = str;

/** An object with these known members. */
export function obj(properties: { readonly [field: string]: FieldSchema }): ObjectSchema {
  return { type: 'object', properties };
}

/** A list of `items`. */
export function list(items: FieldSchema): FieldSchema {
  return { type: 'array', items };
}

/** A map from any key to `values`. */
export function mapOf(values: FieldSchema): ObjectSchema {
  return { type: 'object', additionalProperties: values };
}
