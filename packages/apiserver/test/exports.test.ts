import { describe, expect, it } from 'vitest';
import * as apiserver from '../src/index.js';

describe('@flotilla/apiserver public surface', () => {
  it('exports exactly these runtime values (change this list on purpose only)', () => {
    expect(Object.keys(apiserver).sort()).toEqual([
      'BEFORE_FIRST_APPLY',
      'MAX_PATCH_DEPTH',
      'NON_STRATEGIC_PATCH_TYPES',
      'PatchError',
      'UnsupportedPatchTypeError',
      'applyJsonPatch',
      'applyStrategicMergePatch',
      'builtinFieldSchema',
      'recordUpdate',
      'serverSideApply',
    ]);
  });
});
