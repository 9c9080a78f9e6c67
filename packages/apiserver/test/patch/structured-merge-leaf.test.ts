import { describe, expect, it } from 'vitest';
import { mapList, struct } from '../../src/patch/field-schema.js';
import { recordUpdate, serverSideApply } from '../../src/patch/index.js';

type Fields = Record<string, unknown>;

interface Op {
  op: 'apply' | 'force-apply' | 'update';
  manager: string;
  object: Fields;
  /** The fields an apply conflicts on, as `.field`; the apply then changes nothing. */
  conflicts?: string[];
}

interface Case {
  name: string;
  ops: Op[];
  object: Fields;
  /** Each manager's owned fields; managers owning nothing are absent. */
  managed: Record<string, string[]>;
}

// sigs.k8s.io/structured-merge-diff merge/leaf_test.go, TestUpdateLeaf: the
// cases at one apiVersion, leaf fields of an object of a kind without a schema.
const cases: Case[] = [
  {
    name: 'apply_twice',
    ops: [
      { op: 'apply', manager: 'default', object: { numeric: 1, string: 'string' } },
      { op: 'apply', manager: 'default', object: { numeric: 2, string: 'string', bool: false } },
    ],
    object: { numeric: 2, string: 'string', bool: false },
    managed: { default: ['.bool', '.numeric', '.string'] },
  },
  {
    name: 'apply_update_apply_no_conflict',
    ops: [
      { op: 'apply', manager: 'default', object: { numeric: 1, string: 'string' } },
      { op: 'update', manager: 'controller', object: { numeric: 1, string: 'string', bool: true } },
      { op: 'apply', manager: 'default', object: { numeric: 2, string: 'string' } },
    ],
    object: { numeric: 2, string: 'string', bool: true },
    managed: { default: ['.numeric', '.string'], controller: ['.bool'] },
  },
  {
    name: 'apply_update_apply_with_conflict',
    ops: [
      { op: 'apply', manager: 'default', object: { numeric: 1, string: 'string' } },
      { op: 'update', manager: 'controller', object: { numeric: 1, string: 'controller string', bool: true } },
      { op: 'apply', manager: 'default', object: { numeric: 2, string: 'user string' }, conflicts: ['.string'] },
      { op: 'force-apply', manager: 'default', object: { numeric: 2, string: 'user string' } },
    ],
    object: { numeric: 2, string: 'user string', bool: true },
    managed: { default: ['.numeric', '.string'], controller: ['.bool'] },
  },
  {
    name: 'apply_twice_remove',
    ops: [
      { op: 'apply', manager: 'default', object: { numeric: 1, string: 'string', bool: false } },
      { op: 'apply', manager: 'default', object: { string: 'new string' } },
    ],
    object: { string: 'new string' },
    managed: { default: ['.string'] },
  },
  {
    name: 'update_apply_omits',
    ops: [
      { op: 'apply', manager: 'default', object: { numeric: 2 } },
      { op: 'update', manager: 'controller', object: { numeric: 1 } },
      { op: 'apply', manager: 'default', object: {} },
    ],
    object: { numeric: 1 },
    managed: { controller: ['.numeric'] },
  },
  {
    name: 'update_remove_empty_set',
    ops: [
      { op: 'apply', manager: 'default', object: { string: 'string' } },
      { op: 'update', manager: 'controller', object: { string: 'new string' } },
    ],
    object: { string: 'new string' },
    managed: { controller: ['.string'] },
  },
  {
    name: 'apply_remove_empty_set',
    ops: [
      { op: 'apply', manager: 'default', object: { string: 'string' } },
      { op: 'apply', manager: 'default', object: {} },
    ],
    object: {},
    managed: {},
  },
];

const meta = { apiVersion: 'example.com/v1', kind: 'Leaf', metadata: { name: 'leaf' } };
const now = new Date('2026-01-01T00:00:00Z');

/** The object's own fields, without apiVersion, kind and metadata. */
function ownFields(object: Fields): Fields {
  const { apiVersion: _v, kind: _k, metadata: _m, ...rest } = object;
  return rest;
}

function managedOf(object: Fields): Record<string, string[]> {
  const entries = (object.metadata as { managedFields?: { manager: string; fieldsV1: Fields }[] }).managedFields ?? [];
  return Object.fromEntries(
    entries.map((e) => [
      e.manager,
      Object.keys(e.fieldsV1)
        .map((k) => `.${k.slice(2)}`)
        .sort(),
    ]),
  );
}

describe('serverSideApply and recordUpdate: structured-merge-diff leaf_test.go', () => {
  it.each(cases)('$name', ({ ops, object, managed }) => {
    let live: Fields | undefined;
    for (const step of ops) {
      const body = { ...meta, ...step.object };
      if (step.op === 'update') {
        live = recordUpdate(
          live,
          { ...body, metadata: { ...(live?.metadata as Fields) } },
          { manager: step.manager, now },
        );
        continue;
      }
      const result = serverSideApply({
        live,
        applied: body,
        fieldManager: step.manager,
        force: step.op === 'force-apply',
        now,
      });
      if (result.outcome === 'conflict') {
        expect(result.conflicts.map((c) => c.field)).toEqual(step.conflicts);
        continue;
      }
      expect(step.conflicts).toBeUndefined();
      live = result.object;
    }
    expect(ownFields(live as Fields)).toEqual(object);
    expect(managedOf(live as Fields)).toEqual(managed);
  });
});

// sigs.k8s.io/structured-merge-diff merge/key_test.go, TestUpdateAssociativeLists.
describe('serverSideApply: structured-merge-diff key_test.go', () => {
  it('removing_obsolete_applied_structs', () => {
    const schema = struct({ list: mapList(['name']) });
    const first = serverSideApply({
      applied: { ...meta, list: [{ name: 'a', value: 1 }] },
      fieldManager: 'default',
      now,
      schema,
    });
    if (first.outcome !== 'applied') throw new Error('a first apply never conflicts');
    const second = serverSideApply({
      live: first.object,
      applied: { ...meta, list: [{ name: 'b', value: 2 }] },
      fieldManager: 'default',
      now,
      schema,
    });
    if (second.outcome !== 'applied') throw new Error('one manager never conflicts with itself');
    expect(ownFields(second.object)).toEqual({ list: [{ name: 'b', value: 2 }] });
    expect((second.object.metadata as { managedFields: { fieldsV1: unknown }[] }).managedFields[0].fieldsV1).toEqual({
      'f:list': { 'k:{"name":"b"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
    });
  });
});
