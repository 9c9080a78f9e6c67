import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/index.js';
import { frameJson, LogRecord, recordKey, scanFrames } from '../../src/store/file-records.js';

const types = ['ADDED', 'MODIFIED', 'DELETED'] as const;
/** Key parts as a Store may be given them: any text without the NUL that separates them in a record key. */
const part = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000'));

describe('FileStore log records', () => {
  it('decode what was encoded: type, revision, key (cluster-scoped or not) and the object stamped with the revision', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.integer({ min: 1, max: 2 ** 48 - 1 }),
        part,
        fc.option(part, { nil: undefined }),
        part,
        fc.dictionary(part, fc.string()),
        (type, revision, resource, namespace, name, data) => {
          const object: KubeObject | undefined =
            type === 'DELETED'
              ? undefined
              : { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, resourceVersion: '7' }, data };
          const written = LogRecord.encode(type, revision, { resource, namespace, name }, object);
          const frames: Buffer[] = [];
          expect(scanFrames(written.frame, (f) => frames.push(f))).toEqual({
            count: 1,
            validBytes: written.frame.length,
          });
          const read = LogRecord.decode(frames[0]);
          expect([read.type, read.revision, read.key, read.resource, read.namespace, read.name]).toEqual([
            type,
            revision,
            recordKey(resource, namespace, name),
            resource,
            namespace,
            name,
          ]);
          if (object) {
            expect(read.object).toEqual({
              ...object,
              metadata: { ...object.metadata, resourceVersion: String(revision) },
            });
          }
        },
      ),
    );
  });

  it('refuses a payload that is not a record of this format, such as the JSON records of the first format', () => {
    const v1 = frameJson({ revision: 2, type: 'ADDED', resource: 'configmaps', name: 'a', object: {} });
    expect(() => LogRecord.decode(v1)).toThrow('not a FileStore v2 record');
  });
});
