import type { FieldError } from '../errors/api-errors.js';
import type { ControllerRevision, StatefulSet } from '../model/apps-v1.js';
import type { PersistentVolumeClaim, PodTemplateSpec } from '../model/core-v1.js';
import { forbidden, invalid, invalidEach, notSupported, oneOf, required } from './field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain } from './names.js';
import { intOrPercent, nonNegativeInt } from './numbers.js';
import { validatePersistentVolumeClaim } from './storage.js';
import { validateSelectorAndTemplate } from './workloads.js';

const retentionValues = ['Retain', 'Delete'] as const;

/** The spec fields Kubernetes lets a StatefulSet update change; every other spec field is immutable. */
const mutableSpecFields = new Set([
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
  'revisionHistoryLimit',
]);

/**
 * The template as its pods will be: each claim template becomes a volume of
 * its name (Kubernetes leaves the template's pod spec unchecked for want of
 * this union; checking it here catches a mount naming neither).
 */
function withClaimVolumes(spec: StatefulSet['spec']): PodTemplateSpec | undefined {
  const template = spec.template;
  const claims = (spec.volumeClaimTemplates ?? []).map((t) => t?.metadata?.name).filter((n): n is string => !!n);
  if (!template?.spec || claims.length === 0 || !Array.isArray(spec.volumeClaimTemplates)) return template;
  const own = (template.spec.volumes ?? []).filter((v) => !claims.includes(v.name));
  const volumes = [...claims.map((name) => ({ name, persistentVolumeClaim: { claimName: name } })), ...own];
  return { ...template, spec: { ...template.spec, volumes } };
}

function validateClaimTemplates(sts: StatefulSet): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, t] of (sts.spec.volumeClaimTemplates ?? []).entries()) {
    const path = `spec.volumeClaimTemplates[${i}]`;
    const name = t?.metadata?.name;
    if (!name) errs.push(required(`${path}.metadata.name`));
    else {
      errs.push(...invalidEach(`${path}.metadata.name`, name, isDNS1123Subdomain(name)));
      if (names.has(name)) errs.push(invalid(`${path}.metadata.name`, name, 'must be unique'));
      names.add(name);
    }
    const claimErrors = validatePersistentVolumeClaim({ ...t, spec: t?.spec } as PersistentVolumeClaim);
    errs.push(...claimErrors.map((e) => ({ ...e, field: `${path}.${e.field}` })));
  }
  return errs;
}

function validateUpdateStrategy(sts: StatefulSet): FieldError[] {
  const strategy = sts.spec.updateStrategy;
  const type = strategy?.type ?? 'RollingUpdate';
  if (type === 'OnDelete') {
    return strategy?.rollingUpdate
      ? [forbidden('spec.updateStrategy.rollingUpdate', "only allowed for updateStrategy 'RollingUpdate'")]
      : [];
  }
  if (type !== 'RollingUpdate') return [notSupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate'])];
  const ru = strategy?.rollingUpdate;
  if (!ru) return [];
  const errs = nonNegativeInt('spec.updateStrategy.rollingUpdate.partition', ru.partition);
  const max = intOrPercent('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, true);
  errs.push(...max.errors);
  if (max.zero) {
    errs.push(invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'must be greater than 0'));
  }
  return errs;
}

/**
 * StatefulSet, as Kubernetes' `ValidateStatefulSet`: replicas, selector and
 * template (restart policy Always), pod management policy, update strategy
 * (partition >= 0, maxUnavailable > 0), claim templates (each a valid claim
 * with a unique name), retention policy, ordinals; on update only
 * replicas, ordinals, template, updateStrategy, the retention policy,
 * minReadySeconds and revisionHistoryLimit may change.
 */
export function validateStatefulSet(sts: StatefulSet, old?: StatefulSet): FieldError[] {
  const spec = sts.spec;
  if (!spec) return [required('spec')];
  const errs = [
    ...nonNegativeInt('spec.replicas', spec.replicas),
    ...nonNegativeInt('spec.minReadySeconds', spec.minReadySeconds),
    ...nonNegativeInt('spec.revisionHistoryLimit', spec.revisionHistoryLimit),
    ...nonNegativeInt('spec.ordinals.start', spec.ordinals?.start),
    ...validateSelectorAndTemplate(spec.selector, withClaimVolumes(spec), 'statefulset', {
      restartPolicies: ['Always'],
    }),
    ...oneOf('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel']),
    ...validateUpdateStrategy(sts),
    ...validateClaimTemplates(sts),
  ];
  if (spec.serviceName)
    errs.push(...invalidEach('spec.serviceName', spec.serviceName, isDNS1123Label(spec.serviceName)));
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  errs.push(...oneOf('spec.persistentVolumeClaimRetentionPolicy.whenDeleted', retention?.whenDeleted, retentionValues));
  errs.push(...oneOf('spec.persistentVolumeClaimRetentionPolicy.whenScaled', retention?.whenScaled, retentionValues));
  if (old?.spec) {
    const fixed = (s: StatefulSet['spec']) =>
      JSON.stringify(
        Object.entries(s)
          .filter(([k]) => !mutableSpecFields.has(k))
          .sort(([a], [b]) => a.localeCompare(b)),
      );
    if (fixed(spec) !== fixed(old.spec)) {
      errs.push(
        forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      );
    }
  }
  return errs;
}

/** ControllerRevision: a non-negative integer `revision`; `data` may not change after creation. */
export function validateControllerRevision(rev: ControllerRevision, old?: ControllerRevision): FieldError[] {
  const errs = rev.revision === undefined ? [required('revision')] : nonNegativeInt('revision', rev.revision);
  if (old && JSON.stringify(rev.data) !== JSON.stringify(old.data))
    errs.push(invalid('data', '', 'field is immutable'));
  return errs;
}
