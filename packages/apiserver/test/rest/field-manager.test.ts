import type { KubeObject } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { apiServerFieldManager } from '../../src/rest/field-manager.js';

/**
 * The FieldManager an ApiServer gives the Api it serves. The Api hands it the write's own copy, so it records in
 * place: copying a Pod and its metadata to set one member cost a create as much as recording its fields did.
 */
const now = new Date('2026-12-08T00:00:00Z');
const write = { manager: 'kubectl', now };

function configMap(metadata: Record<string, unknown>, data?: Record<string, string>): KubeObject {
  const obj: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', namespace: 'default', ...metadata },
  };
  return data ? { ...obj, data } : obj;
}

const managedFieldsOf = (obj: KubeObject) => (obj.metadata as { managedFields?: unknown[] }).managedFields;

describe('apiServerFieldManager records into the object it is given', () => {
  it.each([
    {
      name: 'a create that sets fields gets one Update entry for its manager',
      live: undefined,
      next: configMap({ labels: { app: 'web' } }, { key: 'value' }),
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Update',
          apiVersion: 'v1',
          time: '2026-12-08T00:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { 'f:key': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } },
        },
      ],
    },
    {
      name: 'a create that owns no field records nothing (kube-apiserver leaves managedFields out)',
      live: undefined,
      next: configMap({}),
      managedFields: undefined,
    },
    {
      name: 'a create that sends an empty list records nothing either',
      live: undefined,
      next: configMap({ managedFields: [] }),
      managedFields: undefined,
    },
    {
      name: "a write that sends managedFields other than the stored ones keeps the write's own",
      live: configMap({ managedFields: [] }),
      next: configMap({ managedFields: [{ manager: 'mine', operation: 'Apply' }] }),
      managedFields: [{ manager: 'mine', operation: 'Apply' }],
    },
  ])('$name', ({ live, next, managedFields }) => {
    const recorded = apiServerFieldManager.record(live, next, write);
    expect(recorded).toBe(next);
    expect(managedFieldsOf(recorded)).toEqual(managedFields);
  });

  // Entries of one second are in kube-apiserver's order: by operation, time, then manager.
  it('an update keeps the other managers and adds its own entry for what it changed', () => {
    const created = apiServerFieldManager.record(undefined, configMap({}, { a: '1' }), { manager: 'creator', now });
    const next = configMap({ managedFields: managedFieldsOf(created) }, { a: '1', b: '2' });
    const updated = apiServerFieldManager.record(created, next, write);
    expect(updated).toBe(next);
    expect(managedFieldsOf(updated)).toEqual([
      expect.objectContaining({ manager: 'creator', fieldsV1: { 'f:data': { 'f:a': {} } } }),
      expect.objectContaining({ manager: 'kubectl', fieldsV1: { 'f:data': { 'f:b': {} } } }),
    ]);
  });
});
