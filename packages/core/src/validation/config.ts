import type { FieldError } from '../errors/api-errors.js';
import type { ConfigMap, Secret } from '../model/core-v1.js';
import { forbidden, invalid, required, tooLong } from './field-errors.js';
import { listIsFull } from './listed-errors.js';

/** Kubernetes' cap on the data of one ConfigMap or Secret. */
export const MAX_CONFIG_DATA_BYTES = 1024 * 1024;

const configKeyRe = /^[-._a-zA-Z0-9]+$/;
/**
 * Padded standard base64: whole 4-character groups of the alphabet, at most
 * two `=` at the end. Written as a length check and a regex without a
 * repeated group: the group form (`(?:[A-Za-z0-9+/]{4})*...`) took 70-550 ms
 * on a 2 MiB value in V8, this one is linear and several times faster.
 */
function isBase64(value: string): boolean {
  return value.length % 4 === 0 && base64CharsRe.test(value);
}
const base64CharsRe = /^[A-Za-z0-9+/]*={0,2}$/;

/** Problems with a ConfigMap/Secret key: it becomes a file name when mounted, so no `/` and no `..`. */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push('must be no more than 253 characters');
  if (!configKeyRe.test(key)) {
    errs.push(
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    );
  }
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/**
 * Validates keys and sizes of `data` (and `binaryData`); `base64` when values
 * must be base64. Once `MAX_LISTED_ERRORS` are found, the rest is not looked
 * at (the Api then says so in its last error).
 */
function validateData(
  maps: { path: string; data: Record<string, string> | undefined; base64: boolean }[],
): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, string>();
  let total = 0;
  for (const { path, data, base64 } of maps) {
    for (const k in data) {
      if (listIsFull(errs)) break;
      if (!Object.hasOwn(data, k)) continue;
      const v = data[k];
      for (const p of isConfigMapKey(k)) errs.push(invalid(path, k, p));
      const other = seen.get(k);
      if (other) errs.push(invalid(path, k, `duplicate of key present in ${other}`));
      seen.set(k, path);
      if (typeof v !== 'string') {
        errs.push(invalid(`${path}[${k}]`, v, 'must be a string'));
        continue;
      }
      if (base64 && !isBase64(v)) errs.push(invalid(`${path}[${k}]`, '<value omitted>', 'must be valid base64'));
      total += base64 ? Math.floor((v.length * 3) / 4) : Buffer.byteLength(v);
    }
  }
  if (total > MAX_CONFIG_DATA_BYTES) {
    errs.push(tooLong(maps[0]!.path, MAX_CONFIG_DATA_BYTES));
  }
  return errs;
}

/** Once `immutable` is true, neither the data nor the flag may change. */
function immutability(
  obj: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  old: { immutable?: boolean; data?: unknown; binaryData?: unknown } | undefined,
): FieldError[] {
  if (!old?.immutable) return [];
  const errs: FieldError[] = [];
  if (!obj.immutable) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  if (JSON.stringify([obj.data, obj.binaryData]) !== JSON.stringify([old.data, old.binaryData])) {
    errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

/** ConfigMap: valid, unique keys across data and binaryData (base64), at most 1 MiB, immutability honoured. */
export function validateConfigMap(cm: ConfigMap, old?: ConfigMap): FieldError[] {
  return [
    ...validateData([
      { path: 'data', data: cm.data, base64: false },
      { path: 'binaryData', data: cm.binaryData, base64: true },
    ]),
    ...immutability(cm, old),
  ];
}

/** Secret: a type, valid keys, base64 values, at most 1 MiB, immutability honoured; the type may not change. */
export function validateSecret(secret: Secret, old?: Secret): FieldError[] {
  const errs = validateData([{ path: 'data', data: secret.data, base64: true }]);
  if (!secret.type) errs.push(required('type'));
  if (old && old.type !== secret.type) errs.push(invalid('type', secret.type ?? '', 'field is immutable'));
  errs.push(...immutability(secret, old));
  return errs;
}
