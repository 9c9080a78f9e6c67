import type { FieldError } from '../errors/api-errors.js';
import type { DaemonSet, Deployment, ReplicaSet } from '../model/apps-v1.js';
import type { PodTemplateSpec, ReplicationController } from '../model/core-v1.js';
import { compileLabelSelector, validateLabelSelector } from '../model/labels.js';
import type { LabelSelector } from '../model/meta.js';
import { appendErrors, forbidden, invalid, notSupported, required } from './field-errors.js';
import { intOrPercent, nonNegativeInt } from './numbers.js';
import { type PodSpecRules, validatePodTemplate } from './pod.js';

/** Pods of long-running workloads must restart forever; only Jobs may let them stop. */
const alwaysRestart: PodSpecRules = { restartPolicies: ['Always'] };

const isEmptySelector = (sel: LabelSelector | undefined) =>
  !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);

/**
 * The checks every selector-plus-template workload shares: a non-empty,
 * valid selector that selects the template's own labels (or the controller
 * would never see the pods it creates), and a valid template.
 */
export function validateSelectorAndTemplate(
  selector: LabelSelector | undefined,
  template: PodTemplateSpec | undefined,
  kind: string,
  rules: PodSpecRules,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!selector) errs.push(required('spec.selector'));
  else if (isEmptySelector(selector)) {
    errs.push(invalid('spec.selector', selector, `empty selector is invalid for ${kind}`));
  } else {
    const selectorErrs = validateLabelSelector(selector, 'spec.selector');
    errs.push(...selectorErrs);
    const labels = template?.metadata?.labels ?? {};
    if (selectorErrs.length === 0 && template && !compileLabelSelector(selector).matches(labels)) {
      errs.push(invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
    }
  }
  appendErrors(errs, validatePodTemplate(template, 'spec.template', rules));
  return errs;
}

function selectorImmutable(selector: LabelSelector | undefined, old: LabelSelector | undefined): FieldError[] {
  return JSON.stringify(selector) === JSON.stringify(old)
    ? []
    : [invalid('spec.selector', selector ?? null, 'field is immutable')];
}

/** ReplicaSet: replicas >= 0, selector/template rules, selector immutable. */
export function validateReplicaSet(rs: ReplicaSet, old?: ReplicaSet): FieldError[] {
  if (!rs.spec) return [required('spec')];
  return [
    ...nonNegativeInt('spec.replicas', rs.spec.replicas),
    ...nonNegativeInt('spec.minReadySeconds', rs.spec.minReadySeconds),
    ...validateSelectorAndTemplate(rs.spec.selector, rs.spec.template, 'replicaset', alwaysRestart),
    ...(old?.spec ? selectorImmutable(rs.spec.selector, old.spec.selector) : []),
  ];
}

/** ReplicationController: its map selector must be non-empty and match the template labels. */
export function validateReplicationController(rc: ReplicationController): FieldError[] {
  if (!rc.spec) return [required('spec')];
  const selector = rc.spec.selector;
  return [
    ...nonNegativeInt('spec.replicas', rc.spec.replicas),
    ...nonNegativeInt('spec.minReadySeconds', rc.spec.minReadySeconds),
    ...validateSelectorAndTemplate(
      selector && { matchLabels: selector },
      rc.spec.template,
      'replicationcontroller',
      alwaysRestart,
    ),
  ];
}

/**
 * Deployment: replicas, selector/template, strategy (RollingUpdate with
 * int-or-percent maxSurge/maxUnavailable not both zero, or Recreate without
 * rollingUpdate), history limit, progress deadline > minReadySeconds;
 * selector immutable.
 */
export function validateDeployment(d: Deployment, old?: Deployment): FieldError[] {
  const spec = d.spec;
  if (!spec) return [required('spec')];
  const errs = [
    ...nonNegativeInt('spec.replicas', spec.replicas),
    ...nonNegativeInt('spec.minReadySeconds', spec.minReadySeconds),
    ...nonNegativeInt('spec.revisionHistoryLimit', spec.revisionHistoryLimit),
    ...validateSelectorAndTemplate(spec.selector, spec.template, 'deployment', alwaysRestart),
    ...(old?.spec ? selectorImmutable(spec.selector, old.spec.selector) : []),
  ];
  const strategy = spec.strategy;
  const type = strategy?.type ?? 'RollingUpdate';
  if (type === 'Recreate') {
    if (strategy?.rollingUpdate) {
      errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
    }
  } else if (type === 'RollingUpdate') {
    appendErrors(errs, validateRollingUpdate(strategy?.rollingUpdate, 'spec.strategy.rollingUpdate'));
  } else {
    errs.push(notSupported('spec.strategy.type', type, ['Recreate', 'RollingUpdate']));
  }
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...nonNegativeInt('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(
        invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'),
      );
    }
  }
  return errs;
}

function validateRollingUpdate(
  ru: { maxSurge?: number | string; maxUnavailable?: number | string } | undefined,
  path: string,
): FieldError[] {
  if (!ru) return [];
  const surge = intOrPercent(`${path}.maxSurge`, ru.maxSurge);
  const unavailable = intOrPercent(`${path}.maxUnavailable`, ru.maxUnavailable, true);
  const errs = [...surge.errors, ...unavailable.errors];
  if (surge.zero && unavailable.zero) {
    errs.push(invalid(`${path}.maxUnavailable`, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  return errs;
}

/** DaemonSet: selector/template, update strategy (RollingUpdate or OnDelete), history limit; selector immutable. */
export function validateDaemonSet(ds: DaemonSet, old?: DaemonSet): FieldError[] {
  const spec = ds.spec;
  if (!spec) return [required('spec')];
  const errs = [
    ...nonNegativeInt('spec.minReadySeconds', spec.minReadySeconds),
    ...nonNegativeInt('spec.revisionHistoryLimit', spec.revisionHistoryLimit),
    ...validateSelectorAndTemplate(spec.selector, spec.template, 'daemonset', alwaysRestart),
    ...(old?.spec ? selectorImmutable(spec.selector, old.spec.selector) : []),
  ];
  const type = spec.updateStrategy?.type ?? 'RollingUpdate';
  if (type === 'RollingUpdate') {
    appendErrors(errs, validateRollingUpdate(spec.updateStrategy?.rollingUpdate, 'spec.updateStrategy.rollingUpdate'));
  } else if (type !== 'OnDelete') {
    errs.push(notSupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate']));
  }
  return errs;
}
