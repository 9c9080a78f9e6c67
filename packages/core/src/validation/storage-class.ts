import type { FieldError } from '../errors/api-errors.js';
import type { StorageClass } from '../model/storage-v1.js';
import { invalid, invalidEach, oneOf, required } from './field-errors.js';
import { isQualifiedName } from './names.js';

/** The StorageClass fields Kubernetes refuses to change after creation. */
const immutableFields = ['parameters', 'provisioner', 'reclaimPolicy', 'volumeBindingMode'] as const;

/**
 * StorageClass, as Kubernetes' `ValidateStorageClass`: a provisioner that
 * is a qualified name, reclaim policy Delete or Retain, binding mode
 * Immediate or WaitForFirstConsumer; provisioner, parameters, reclaim
 * policy and binding mode are immutable.
 */
export function validateStorageClass(sc: StorageClass, old?: StorageClass): FieldError[] {
  const errs: FieldError[] = [];
  if (!sc.provisioner) errs.push(required('provisioner'));
  else errs.push(...invalidEach('provisioner', sc.provisioner, isQualifiedName(sc.provisioner.toLowerCase())));
  errs.push(...oneOf('reclaimPolicy', sc.reclaimPolicy, ['Delete', 'Retain']));
  errs.push(...oneOf('volumeBindingMode', sc.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
  if (old) {
    for (const f of immutableFields) {
      if (JSON.stringify(sc[f]) !== JSON.stringify(old[f])) {
        errs.push(invalid(f, sc[f] ?? null, 'updates to this field are forbidden'));
      }
    }
  }
  return errs;
}
