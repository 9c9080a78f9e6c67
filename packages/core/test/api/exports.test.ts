import { expect, it } from 'vitest';
import * as api from '../../src/api/index.js';

it('pins the public runtime surface of core/api', () => {
  expect(Object.keys(api).sort()).toEqual([
    'AdmissionChain',
    'Api',
    'ApiResourceClient',
    'DEFAULT_MAX_OBJECT_BYTES',
    'EVICTION_REFUSED_MESSAGE',
    'FOREGROUND_DELETION_FINALIZER',
    'INITIAL_NAMESPACES',
    'MAX_DISRUPTED_POD_SIZE',
    'NamespaceLifecycle',
    'ORPHAN_FINALIZER',
    'POD_SCHEDULED',
    'TimestampSource',
    'applyMergePatch',
    'bindPod',
    'compileObjectSelector',
    'deletesOnUpdate',
    'disruptionBudgetCovers',
    'evictPod',
    'hasFinalizers',
    'planDeletion',
    'priorityAdmission',
    'watchSelected',
  ]);
});
