import { expect, it } from 'vitest';
import * as api from '../../src/api/index.js';

it('pins the public runtime surface of core/api', () => {
  expect(Object.keys(api).sort()).toEqual([
    'AdmissionChain',
    'Api',
    'ApiResourceClient',
    'DEFAULT_MAX_OBJECT_BYTES',
    'FOREGROUND_DELETION_FINALIZER',
    'INITIAL_NAMESPACES',
    'NamespaceLifecycle',
    'ORPHAN_FINALIZER',
    'POD_SCHEDULED',
    'TimestampSource',
    'applyMergePatch',
    'bindPod',
    'compileObjectSelector',
    'deletesOnUpdate',
    'hasFinalizers',
    'planDeletion',
    'watchSelected',
  ]);
});
