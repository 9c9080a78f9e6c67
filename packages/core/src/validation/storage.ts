import type { FieldError } from '../errors/api-errors.js';
import type { PersistentVolume, PersistentVolumeAccessMode, PersistentVolumeClaim } from '../model/core-v1.js';
import { validateLabelSelector } from '../model/labels.js';
import { appendErrors, forbidden, notSupported, oneOf, required } from './field-errors.js';
import { validateNodeSelectorTerm } from './pod.js';
import { validateResourceList } from './resources.js';

const accessModes: readonly PersistentVolumeAccessMode[] = [
  'ReadWriteOnce',
  'ReadOnlyMany',
  'ReadWriteMany',
  'ReadWriteOncePod',
];
const volumeModes = ['Block', 'Filesystem'] as const;

/** Fields of a PV spec that are not volume sources; every other field is one (hostPath, local, nfs, csi, ...). */
const pvNonSourceFields = new Set([
  'capacity',
  'accessModes',
  'persistentVolumeReclaimPolicy',
  'storageClassName',
  'claimRef',
  'nodeAffinity',
  'volumeMode',
  'mountOptions',
  'volumeAttributesClassName',
]);

function validateAccessModes(modes: PersistentVolumeAccessMode[] | undefined, path: string): FieldError[] {
  if (!modes || modes.length === 0) return [required(path)];
  const errs = modes.flatMap((m, i) =>
    accessModes.includes(m) ? [] : [notSupported(`${path}[${i}]`, m, accessModes)],
  );
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  }
  return errs;
}

/**
 * PersistentVolume: a `storage` capacity, access modes, exactly one volume
 * source, reclaim policy and volume mode from their sets, node affinity terms well-formed.
 */
export function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  const spec = pv.spec;
  if (!spec) return [required('spec')];
  const errs: FieldError[] = [];
  if (spec.capacity?.storage === undefined) errs.push(required('spec.capacity[storage]'));
  errs.push(...validateResourceList(spec.capacity, 'spec.capacity').errors);
  appendErrors(errs, validateAccessModes(spec.accessModes, 'spec.accessModes'));
  const sources = Object.keys(spec).filter(
    (k) => !pvNonSourceFields.has(k) && (spec as Record<string, unknown>)[k] !== undefined,
  );
  if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
  if (sources.length > 1) errs.push(forbidden(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  errs.push(
    ...oneOf('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, ['Delete', 'Recycle', 'Retain']),
  );
  errs.push(...oneOf('spec.volumeMode', spec.volumeMode, volumeModes));
  const terms = spec.nodeAffinity?.required?.nodeSelectorTerms;
  if (spec.nodeAffinity?.required && !terms?.length) {
    errs.push(required('spec.nodeAffinity.required.nodeSelectorTerms', 'must have at least one node selector term'));
  }
  for (const [i, t] of (terms ?? []).entries()) {
    appendErrors(errs, validateNodeSelectorTerm(t, `spec.nodeAffinity.required.nodeSelectorTerms[${i}]`));
  }
  return errs;
}

/** PersistentVolumeClaim: access modes, a `storage` request, valid selector and volume mode. */
export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): FieldError[] {
  const spec = pvc.spec;
  if (!spec) return [required('spec')];
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  if (spec.resources?.requests?.storage === undefined) errs.push(required('spec.resources[storage]'));
  errs.push(...validateResourceList(spec.resources?.requests, 'spec.resources.requests').errors);
  errs.push(...validateResourceList(spec.resources?.limits, 'spec.resources.limits').errors);
  appendErrors(errs, validateLabelSelector(spec.selector, 'spec.selector'));
  errs.push(...oneOf('spec.volumeMode', spec.volumeMode, volumeModes));
  return errs;
}
