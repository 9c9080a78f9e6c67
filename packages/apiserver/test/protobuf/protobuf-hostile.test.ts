import { describe, expect, it } from 'vitest';
import { decodeProtobufObject, encodeProtobufObject, ProtobufDecodeError } from '../../src/protobuf/index.js';

const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } };

/** A protobuf varint. */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

/** An envelope around arbitrary raw bytes for a kind. */
function envelope(apiVersion: string, kind: string, raw: number[], contentEncoding = ''): Uint8Array {
  const str = (field: number, s: string) => [(field << 3) | 2, ...varint(Buffer.byteLength(s)), ...Buffer.from(s)];
  const typeMeta = [...str(1, apiVersion), ...str(2, kind)];
  const body = [
    0x0a,
    ...varint(typeMeta.length),
    ...typeMeta,
    0x12,
    ...varint(raw.length),
    ...raw,
    ...str(3, contentEncoding),
    ...str(4, ''),
  ];
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...body]);
}

const rawOf = (body: Uint8Array) => {
  // The test's own encoder wrote raw as field 2 right after typeMeta.
  const typeMetaLength = body[5];
  const at = 4 + 2 + typeMetaLength;
  let length = 0;
  let shift = 0;
  let i = at + 1;
  for (; body[i] & 0x80; i++, shift += 7) length |= (body[i] & 0x7f) << shift;
  length |= body[i] << shift;
  return [...body.subarray(i + 1, i + 1 + length)];
};

describe('decodeProtobufObject refuses bad bodies with a typed error', () => {
  it.each([
    ['an empty body', Uint8Array.from([])],
    ['JSON sent as protobuf', Buffer.from('{"kind":"ConfigMap"}')],
    ['a truncated envelope', encodeProtobufObject(configMap).subarray(0, 12)],
    ['a kind without a descriptor', envelope('v1', 'Pod', [])],
    ['a gzip-encoded body', envelope('v1', 'ConfigMap', [], 'gzip')],
    ['a field this server does not decode', envelope('v1', 'ConfigMap', [(99 << 3) | 0, 1])],
    ['8,000 nested groups', envelope('v1', 'ConfigMap', [...Array(8000).fill((50 << 3) | 3)])],
  ])('%s', (_name, body) => {
    expect(() => decodeProtobufObject(body)).toThrow(ProtobufDecodeError);
    expect(() => decodeProtobufObject(body)).toThrow(expect.objectContaining({ code: 400, reason: 'BadRequest' }));
  });

  it('names the kind in the error for a malformed typed message', () => {
    const raw = rawOf(encodeProtobufObject(configMap));
    expect(() => decodeProtobufObject(envelope('v1', 'ConfigMap', raw.slice(0, raw.length - 2)))).toThrow(
      expect.objectContaining({ path: 'v1 ConfigMap' }),
    );
  });

  it('decodes a well-formed envelope built by hand', () => {
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', rawOf(encodeProtobufObject(configMap))))).toEqual(
      configMap,
    );
  });
});
