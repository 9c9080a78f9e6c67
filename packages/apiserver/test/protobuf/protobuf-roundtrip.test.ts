import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeProtobufObject, encodeProtobufObject, ProtobufDecodeError } from '../../src/protobuf/index.js';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const stringMap = fc.dictionary(
  fc.stringMatching(/^[a-z][a-z0-9./-]{0,15}$/),
  fc.string({ minLength: 1, maxLength: 20 }),
  {
    maxKeys: 5,
  },
);
const nonEmpty = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Objects as kubectl's generators build them: every field optional, maps and lists free-form. */
const objects = fc.oneof(
  fc.record({ name, labels: stringMap, data: stringMap }).map(({ name: n, labels, data }) =>
    nonEmpty({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: nonEmpty({ name: n, labels: Object.keys(labels).length ? labels : undefined }),
      data: Object.keys(data).length ? data : undefined,
    }),
  ),
  fc
    .record({
      name,
      bytes: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.uint8Array({ minLength: 1, maxLength: 32 })),
    })
    .map(({ name: n, bytes }) =>
      nonEmpty({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: n },
        type: 'Opaque',
        data: Object.keys(bytes).length
          ? Object.fromEntries(Object.entries(bytes).map(([k, v]) => [k, Buffer.from(v).toString('base64')]))
          : undefined,
      }),
    ),
  fc
    .record({
      name,
      replicas: fc.integer({ min: 0, max: 1000 }),
      image: fc.string({ minLength: 1, maxLength: 30 }),
      port: fc.integer({ min: 1, max: 65535 }),
      maxSurge: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constantFrom('25%', '50%')),
    })
    .map(({ name: n, replicas, image, port, maxSurge }) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: n, labels: { app: n } },
      spec: {
        replicas,
        selector: { matchLabels: { app: n } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge } },
        template: {
          metadata: { labels: { app: n } },
          spec: { containers: [{ name: n, image, ports: [{ containerPort: port, protocol: 'TCP' }] }] },
        },
      },
    })),
);

describe('protobuf encoding and decoding (fast-check)', () => {
  it('decoding what was encoded with the same descriptors gives the object back', () => {
    fc.assert(
      fc.property(objects, (object) => {
        expect(decodeProtobufObject(encodeProtobufObject(object as Record<string, unknown>))).toEqual(object);
      }),
    );
  });

  it('any bytes after the magic decode or fail with ProtobufDecodeError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const body = Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...bytes]);
        try {
          decodeProtobufObject(body);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtobufDecodeError);
        }
      }),
    );
  });

  it('refuses an int64 JSON cannot carry exactly', () => {
    const body = encodeProtobufObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'n', generation: 2 ** 53 + 2 },
    });
    expect(() => decodeProtobufObject(body)).toThrow(ProtobufDecodeError);
  });
});
