import { isJsonObject } from '@flotilla/core';
import protobuf from 'protobufjs';
import { ProtobufDecodeError } from './protobuf-error.js';

type JsonObject = Record<string, unknown>;
type Message = Record<string, unknown>;

const TIME = 'k8s.io.apimachinery.pkg.apis.meta.v1.Time';
const MICRO_TIME = 'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime';
const FIELDS_V1 = 'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1';
const INT_OR_STRING = 'k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'k8s.io.apimachinery.pkg.api.resource.Quantity';
const RAW_EXTENSION = 'k8s.io.apimachinery.pkg.runtime.RawExtension';

const fullName = (type: protobuf.Type) => type.fullName.slice(1);
const keepZero = (field: protobuf.Field) => field.options?.['(keep_zero)'] === true;
const inline = (field: protobuf.Field) => field.options?.['(inline)'] === true;

/** How protobufjs hands out an int64 when the `long` package is present. */
interface LongValue {
  toNumber(): number;
}

const isLong = (value: unknown): value is LongValue =>
  typeof value === 'object' && value !== null && typeof (value as Partial<LongValue>).toNumber === 'function';

/** A protobuf int64 as a JSON number; beyond 2^53 it is refused rather than rounded. */
function toNumber(value: unknown, path: string): number {
  const n = isLong(value) ? value.toNumber() : Number(value);
  if (!Number.isSafeInteger(n)) throw new ProtobufDecodeError(path, 'an int64 beyond 2^53 cannot be carried in JSON');
  return n;
}

function isZero(value: unknown): boolean {
  return value === '' || value === false || value === 0 || (isLong(value) && value.toNumber() === 0);
}

/** RFC 3339 as Kubernetes prints `metav1.Time` (seconds) and `MicroTime` (microseconds). */
function formatTime(message: Message, micro: boolean, path: string): string | undefined {
  const seconds = toNumber(message.seconds ?? 0, path);
  const nanos = Number(message.nanos ?? 0);
  if (seconds === 0 && nanos === 0) return undefined;
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

function parseEmbeddedJson(bytes: unknown, path: string): unknown {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new ProtobufDecodeError(path, 'embedded JSON is malformed');
  }
}

/**
 * A decoded message as Kubernetes' JSON: well-known wrappers (Time,
 * IntOrString, Quantity, FieldsV1, RawExtension) become their JSON forms,
 * inline members move up, zero scalars Go would omit are dropped. Recursion
 * follows the descriptors, which hold no cycles, so its depth is bounded.
 */
export function messageToJson(message: Message, type: protobuf.Type, path: string): unknown {
  switch (fullName(type)) {
    case TIME:
      return formatTime(message, false, path);
    case MICRO_TIME:
      return formatTime(message, true, path);
    case QUANTITY:
      return message.string ?? '';
    case INT_OR_STRING:
      return toNumber(message.type ?? 0, path) === 1 ? (message.strVal ?? '') : Number(message.intVal ?? 0);
    case FIELDS_V1:
      return parseEmbeddedJson(message.Raw, path);
    case RAW_EXTENSION:
      return parseEmbeddedJson(message.raw, path);
  }
  const out: JsonObject = {};
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(message, field.name)) continue;
    const value = fieldToJson(message[field.name], field, `${path}.${field.name}`);
    if (value === undefined) continue;
    if (inline(field) && isJsonObject(value)) Object.assign(out, value);
    else out[field.name] = value;
  }
  return out;
}

function fieldToJson(value: unknown, field: protobuf.Field, path: string): unknown {
  if (field.map) {
    const entries = Object.entries(value as Message);
    if (entries.length === 0) return undefined;
    return Object.fromEntries(entries.map(([k, v]) => [k, scalarOrMessage(v, field, `${path}[${k}]`)]));
  }
  if (field.repeated) {
    const items = value as unknown[];
    if (items.length === 0) return undefined;
    return items.map((item, i) => scalarOrMessage(item, field, `${path}[${i}]`));
  }
  if (!field.resolvedType && isZero(value) && !keepZero(field)) return undefined;
  return scalarOrMessage(value, field, path);
}

function scalarOrMessage(value: unknown, field: protobuf.Field, path: string): unknown {
  if (field.resolvedType instanceof protobuf.Type) return messageToJson(value as Message, field.resolvedType, path);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object' && value !== null) return toNumber(value, path);
  return value;
}

/**
 * The reverse of `messageToJson`: a JSON object as a plain object
 * `Type.fromObject` accepts, wrappers turned back into their messages.
 */
export function jsonToMessage(json: unknown, type: protobuf.Type, path: string): unknown {
  switch (fullName(type)) {
    case TIME:
    case MICRO_TIME: {
      const ms = Date.parse(String(json));
      if (Number.isNaN(ms)) throw new ProtobufDecodeError(path, `not a time: ${JSON.stringify(json)}`);
      return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
    }
    case QUANTITY:
      return { string: String(json) };
    case INT_OR_STRING:
      return typeof json === 'number' ? { type: 0, intVal: json } : { type: 1, strVal: String(json) };
    case FIELDS_V1:
      return { Raw: Buffer.from(JSON.stringify(json)) };
    case RAW_EXTENSION:
      return { raw: Buffer.from(JSON.stringify(json)) };
  }
  if (!isJsonObject(json)) throw new ProtobufDecodeError(path, `expected an object for ${type.name}`);
  const out: Message = {};
  for (const field of type.fieldsArray) {
    const sub = `${path}.${field.name}`;
    const value = inline(field) ? json : json[field.name];
    if (value === undefined || value === null) continue;
    const convert = (v: unknown, p: string) =>
      field.resolvedType instanceof protobuf.Type
        ? jsonToMessage(v, field.resolvedType, p)
        : field.type === 'bytes'
          ? Buffer.from(String(v), 'base64')
          : v;
    if (field.map && isJsonObject(value))
      out[field.name] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, `${sub}[${k}]`)]));
    else if (field.repeated && Array.isArray(value)) out[field.name] = value.map((v, i) => convert(v, `${sub}[${i}]`));
    else out[field.name] = convert(value, sub);
  }
  return out;
}
