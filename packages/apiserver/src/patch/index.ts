export type { ApplyConflict, ApplyConflictStatus } from './apply/apply-conflict.js';
export type { FieldsV1 } from './apply/field-set.js';
export { BEFORE_FIRST_APPLY, type ManagedFieldsEntry } from './apply/managed-fields.js';
export {
  type RecordUpdateOptions,
  recordUpdate,
  type ServerSideApplyRequest,
  type ServerSideApplyResult,
  serverSideApply,
} from './apply/server-side-apply.js';
export { builtinFieldSchema } from './builtin-field-schemas.js';
export type { FieldSchema, ListSchema } from './field-schema.js';
export { MAX_PATCH_DEPTH } from './json-depth.js';
export {
  applyJsonPatch,
  type JsonPatchOperation,
  MAX_JSON_PATCH_COPY_BYTES,
  MAX_JSON_PATCH_OPERATIONS,
} from './json-patch.js';
export { PatchError, UnsupportedPatchTypeError } from './patch-error.js';
export { applyStrategicMergePatch, NON_STRATEGIC_PATCH_TYPES } from './strategic-merge-patch.js';
