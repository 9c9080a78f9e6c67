import { shareJson } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectText } from '../../src/encoding/object-text.js';

/** The placeholder's own text, as a client could send it in any string. */
const PLACEHOLDER = '\u0000flotilla:fieldsV1';

const tree = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
const scalar = fc.oneof(fc.string(), fc.constant(PLACEHOLDER), fc.integer());
/** A managedFields entry whose tree is shared (frozen), frozen only, or a plain object. */
const entry = fc
  .tuple(tree, fc.constantFrom('shared', 'frozen', 'plain'), fc.string({ maxLength: 6 }))
  .map(([fields, how, manager]) => ({
    manager,
    operation: 'Update',
    fieldsType: 'FieldsV1',
    fieldsV1: how === 'shared' ? shareJson(fields) : how === 'frozen' ? Object.freeze(fields) : fields,
  }));
const object = fc
  .tuple(fc.array(entry, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), scalar), scalar)
  .map(([managedFields, labels, note]) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', labels, managedFields },
    data: { note },
  }));

describe('objectText', () => {
  it('is JSON.stringify byte for byte, and leaves the object as it was', () => {
    fc.assert(
      fc.property(object, (obj) => {
        const before = JSON.stringify(obj);
        const trees = obj.metadata.managedFields.map((e) => e.fieldsV1);
        expect(objectText(obj)).toBe(before);
        expect(JSON.stringify(obj)).toBe(before);
        obj.metadata.managedFields.forEach((e, i) => {
          expect(e.fieldsV1).toBe(trees[i]);
        });
      }),
    );
  });

  it.each([
    ['a value that spells the placeholder', { metadata: { name: PLACEHOLDER, managedFields: [] } }],
    [
      'a shared tree beside a value that spells the placeholder',
      { metadata: { name: PLACEHOLDER, managedFields: [{ manager: 'm', fieldsV1: shareJson({ 'f:a': {} }) }] } },
    ],
    ['no metadata', { kind: 'Status', code: 404 }],
    ['a frozen entry', { metadata: { managedFields: [Object.freeze({ fieldsV1: shareJson({ 'f:b': {} }) })] } }],
    ['not an object', [1, 'a', null]],
  ])('%s', (_name, value) => {
    expect(objectText(value)).toBe(JSON.stringify(value));
  });
});
