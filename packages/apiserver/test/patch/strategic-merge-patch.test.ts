import { createBuiltinRegistry } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { atomicList, mapList, setList, struct } from '../../src/patch/field-schema.js';
import {
  applyStrategicMergePatch,
  builtinFieldSchema,
  type FieldSchema,
  PatchError,
  UnsupportedPatchTypeError,
} from '../../src/patch/index.js';

/** The `MergeItem` test struct of apimachinery's patch_test.go, as a field schema. */
const mergeItem: FieldSchema = struct({
  mergingList: mapList(['name']),
  nonMergingList: atomicList,
  mergingIntList: setList,
  nonMergingIntList: atomicList,
  retainKeysMap: struct({ mergingIntList: setList, mergingList: mapList(['name']) }, { retainKeys: true }),
  retainKeysMergingList: mapList(['name']),
});

interface Case {
  description: string;
  original: Record<string, unknown>;
  patch: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: string;
}

// kubernetes/apimachinery pkg/util/strategicpatch/patch_test.go:
// customStrategicMergePatchTestCaseData, customStrategicMergePatchRawTestCases,
// createStrategicMergePatchTestCaseData and strategicMergePatchRawTestCases
// (the two-way patch applied to the original, or the three-way patch to current).
const upstreamCases: Case[] = [
  {
    description: 'unique scalars when merging lists',
    original: { mergingIntList: [1, 2] },
    patch: { mergingIntList: [2, 3] },
    result: { mergingIntList: [1, 2, 3] },
  },
  {
    description: 'delete map from nested map',
    original: { simpleMap: { key1: 1, key2: 1 } },
    patch: { simpleMap: { $patch: 'delete' } },
    result: { simpleMap: {} },
  },
  {
    description: 'delete all items from merging list',
    original: { mergingList: [{ name: 1 }, { name: 2 }] },
    patch: { mergingList: [{ $patch: 'replace' }] },
    result: { mergingList: [] },
  },
  {
    description: 'merge empty merging lists',
    original: { mergingList: [] },
    patch: { mergingList: [] },
    result: { mergingList: [] },
  },
  {
    description: 'delete all keys from map',
    original: { name: 1, value: 1 },
    patch: { $patch: 'replace' },
    result: {},
  },
  {
    description: 'add key and delete all keys from map',
    original: { name: 1, value: 1 },
    patch: { other: 'a', $patch: 'replace' },
    result: { other: 'a' },
  },
  {
    description: 'delete all duplicate entries in a merging list',
    original: { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: 'a' }, { name: 3 }, { name: 3 }] },
    patch: {
      mergingList: [
        { name: 1, $patch: 'delete' },
        { name: 3, $patch: 'delete' },
      ],
    },
    result: { mergingList: [{ name: 2, value: 'a' }] },
  },
  {
    description: 'retainKeys map can add a field when no retainKeys directive present',
    original: { retainKeysMap: { name: 'foo' } },
    patch: { retainKeysMap: { value: 'bar' } },
    result: { retainKeysMap: { name: 'foo', value: 'bar' } },
  },
  {
    description: 'retainKeys map can delete a field when no retainKeys directive present',
    original: { retainKeysMap: { name: 'foo', value: 'a' } },
    patch: { retainKeysMap: { value: null } },
    result: { retainKeysMap: { name: 'foo' } },
  },
  {
    description: 'retainKeys list can change a field when no retainKeys directive present',
    original: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
    patch: { retainKeysMergingList: [{ name: 'foo', value: 'b' }] },
    result: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'b' }] },
  },
  {
    description: 'preserve the order from the patch in a merging list',
    original: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    patch: {
      mergingList: [
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
        { name: 2, other: 'x' },
      ],
    },
    result: {
      mergingList: [
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
        { name: 2, value: 'b', other: 'x' },
      ],
    },
  },
  {
    description: 'preserve the order from the patch in a merging list 2',
    original: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    patch: {
      mergingList: [
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
      ],
    },
    result: {
      mergingList: [
        { name: 2, value: 'b' },
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
      ],
    },
  },
  {
    description: 'preserve the order from the patch in a merging int list',
    original: { mergingIntList: [1, 2, 3] },
    patch: { mergingIntList: [3, 1] },
    result: { mergingIntList: [2, 3, 1] },
  },
  {
    description: '$setElementOrder contains item that is not present in the list to be merged',
    original: { mergingList: [{ name: 1 }, { name: 3 }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }],
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
    result: {
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
  },
  {
    description: '$setElementOrder contains item that is not present in the int list to be merged',
    original: { mergingIntList: [1, 3] },
    patch: { '$setElementOrder/mergingIntList': [3, 2, 1] },
    result: { mergingIntList: [3, 1] },
  },
  {
    description: 'should check if order in $setElementOrder and patch list match',
    original: { mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    },
    error: "doesn't match",
  },
  {
    description: 'missing merge key should error out',
    original: { mergingList: [{ name: 1, value: 'a' }] },
    patch: { mergingList: [{ value: 'b' }] },
    error: 'no merge key "name"',
  },
  {
    description: '$deleteFromPrimitiveList of nonexistent item in primitive list should not add the item to the list',
    original: { mergingIntList: [1, 2] },
    patch: { '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { mergingIntList: [1, 2] },
  },
  {
    description: '$deleteFromPrimitiveList on nonexistent primitive list should not add the primitive list',
    original: { foo: ['bar'] },
    patch: { '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { foo: ['bar'] },
  },
  {
    description: '$deleteFromPrimitiveList should delete item from a list without merge patch strategy',
    original: { nonMergingIntList: [1, 2, 3] },
    patch: { '$deleteFromPrimitiveList/nonMergingIntList': [2] },
    result: { nonMergingIntList: [1, 3] },
  },
  {
    description: 'add field and delete field from map with conflict',
    original: { name: 'a', other: 'a' },
    patch: { name: null, value: 1 },
    result: { value: 1, other: 'a' },
  },
  {
    description: 'delete field from nested map with conflict',
    original: { simpleMap: { key1: 'a', key2: 1, other: 'a' } },
    patch: { simpleMap: { key1: 1, key2: null } },
    result: { simpleMap: { key1: 1, other: 'a' } },
  },
  {
    description: 'replace list of scalars with conflict',
    original: { nonMergingIntList: [1, 4] },
    patch: { nonMergingIntList: [2, 3] },
    result: { nonMergingIntList: [2, 3] },
  },
  {
    description: 'nested patch merge with empty list',
    original: { name: 'hi', mergingList: [{ name: 'hello2' }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }],
      mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }],
    },
    result: { name: 'hi', mergingList: [{ name: 'hello' }, { name: 'hello2' }] },
  },
  {
    description: 'delete all duplicate items in lists of scalars',
    original: { mergingIntList: [1, 2, 3, 3, 4] },
    patch: { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { mergingIntList: [1, 2, 4] },
  },
  {
    description: 'merge lists of maps',
    original: {
      mergingList: [
        { name: 1, other: 'a' },
        { name: 2, value: 2, other: 'b' },
      ],
    },
    patch: {
      '$setElementOrder/mergingList': [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [
        { name: 4, value: 4 },
        { name: 3, value: 3 },
      ],
    },
    result: {
      mergingList: [
        { name: 4, value: 4 },
        { name: 1, other: 'a' },
        { name: 2, value: 2, other: 'b' },
        { name: 3, value: 3 },
      ],
    },
  },
];

describe('applyStrategicMergePatch: apimachinery patch_test.go cases', () => {
  it.each(upstreamCases)('$description', ({ original, patch, result, error }) => {
    if (error) {
      expect(() => applyStrategicMergePatch(original, patch, mergeItem)).toThrow(error);
      return;
    }
    const before = structuredClone(original);
    expect(applyStrategicMergePatch(original, patch, mergeItem)).toEqual(result);
    expect(original).toEqual(before);
  });
});

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', finalizers: ['a'], labels: { app: 'web' } },
  spec: {
    replicas: 2,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
    template: {
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
          { name: 'sidecar', image: 'busybox', env: [{ name: 'A', value: '1' }] },
        ],
      },
    },
  },
};

describe('applyStrategicMergePatch on built-in kinds', () => {
  it('merges containers by name, as kubectl apply sends them', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
            containers: [{ image: 'nginx:1.28', name: 'web' }],
          },
        },
      },
    };
    const out = applyStrategicMergePatch(deployment, patch);
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'web', image: 'nginx:1.28', ports: [{ containerPort: 80 }] },
      deployment.spec.template.spec.containers[1],
    ]);
  });

  it('merges env by name and ports by containerPort inside a container', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'sidecar', env: [{ name: 'B', value: '2' }] },
              { name: 'web', ports: [{ containerPort: 443 }] },
            ],
          },
        },
      },
    };
    // Without $setElementOrder the patch's own order is the order (Kubernetes' behaviour).
    const [sidecar, web] = applyStrategicMergePatch(deployment, patch).spec.template.spec.containers;
    // A new item goes before the server's items (Kubernetes' mergeSortedSlice).
    expect(sidecar.env).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', value: '1' },
    ]);
    expect(web.ports).toEqual([{ containerPort: 443 }, { containerPort: 80 }]);
  });

  it('replaces the list with $patch: replace, dropping the other directive items', () => {
    const patch = {
      spec: {
        template: {
          spec: { containers: [{ $patch: 'replace' }, { name: 'x', $patch: 'delete' }, { name: 'only', image: 'i' }] },
        },
      },
    };
    expect(applyStrategicMergePatch(deployment, patch).spec.template.spec.containers).toEqual([
      { name: 'only', image: 'i' },
    ]);
  });

  it('refuses $patch: merge in a list, as kube-apiserver does', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', $patch: 'merge' }] } } } };
    expect(() => applyStrategicMergePatch(deployment, patch)).toThrow('merging lists cannot yet be specified');
  });

  it('removes a container with $patch: delete', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } };
    expect(applyStrategicMergePatch(deployment, patch).spec.template.spec.containers.map((c) => c.name)).toEqual([
      'web',
    ]);
  });

  it("clears a strategy's keys left out of $retainKeys (Recreate has no rollingUpdate)", () => {
    const patch = { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } };
    expect(applyStrategicMergePatch(deployment, patch).spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('refuses patch content outside $retainKeys with 422', () => {
    const patch = { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } } };
    expect(() => applyStrategicMergePatch(deployment, patch)).toThrow(
      expect.objectContaining({ code: 422, path: 'spec.strategy.rollingUpdate' }),
    );
  });

  it('merges finalizers as a set and deletes from it with $deleteFromPrimitiveList', () => {
    const added = applyStrategicMergePatch(deployment, { metadata: { finalizers: ['b', 'a'] } });
    expect(added.metadata.finalizers).toEqual(['b', 'a']);
    const removed = applyStrategicMergePatch(added, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } });
    expect(removed.metadata.finalizers).toEqual(['b']);
  });

  it('null deletes a field; a scalar replaces (kubectl cordon)', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { a: '1' } }, spec: {} };
    const out = applyStrategicMergePatch(node, { metadata: { labels: { a: null } }, spec: { unschedulable: true } });
    expect(out).toEqual({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', labels: {} },
      spec: { unschedulable: true },
    });
  });

  it('replaces tolerations whole (no patch strategy)', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { tolerations: [{ key: 'a' }] } };
    expect(applyStrategicMergePatch(pod, { spec: { tolerations: [{ key: 'b' }] } }).spec.tolerations).toEqual([
      { key: 'b' },
    ]);
  });

  it('never stores directives of a patch for a member the object lacks', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
    const out = applyStrategicMergePatch(pod, {
      spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'a', image: 'x' }] },
    });
    expect(out).toEqual({ ...pod, spec: { containers: [{ name: 'a', image: 'x' }] } });
  });

  it('refuses a kind without a Go struct with 415, as kube-apiserver does for custom resources', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(() => applyStrategicMergePatch(widget, { spec: {} })).toThrow(UnsupportedPatchTypeError);
    expect(() => applyStrategicMergePatch(widget, { spec: {} })).toThrow(expect.objectContaining({ code: 415 }));
  });

  it('refuses an unknown directive, a non-object patch and 8,000-deep nesting with typed errors', () => {
    expect(() => applyStrategicMergePatch(deployment, { spec: { $patch: 'explode' } })).toThrow(PatchError);
    expect(() => applyStrategicMergePatch(deployment, [1])).toThrow(PatchError);
    let deep: unknown = {};
    for (let i = 0; i < 8000; i++) deep = { a: deep };
    expect(() => applyStrategicMergePatch(deployment, deep)).toThrow(expect.objectContaining({ code: 400 }));
  });
});

describe('builtinFieldSchema', () => {
  it('describes every built-in kind the registry serves, so each takes a strategic merge patch', () => {
    const missing = createBuiltinRegistry()
      .all()
      .map((t) => ({ apiVersion: t.group ? `${t.group}/${t.version}` : t.version, kind: t.kind }))
      .filter(({ apiVersion, kind }) => builtinFieldSchema(apiVersion, kind) === undefined);
    expect(missing).toEqual([]);
  });
});
