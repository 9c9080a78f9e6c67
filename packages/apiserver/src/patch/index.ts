export { builtinFieldSchema } from './builtin-field-schemas.js';
export type { FieldSchema, ListSchema } from './field-schema.js';
export { MAX_PATCH_DEPTH } from './json-depth.js';
export { applyJsonPatch, type JsonPatchOperation } from './json-patch.js';
export { PatchError, UnsupportedPatchTypeError } from './patch-error.js';
export { applyStrategicMergePatch, NON_STRATEGIC_PATCH_TYPES } from './strategic-merge-patch.js';
