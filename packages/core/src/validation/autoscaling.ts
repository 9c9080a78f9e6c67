import { type FieldError, isReason } from '../errors/api-errors.js';
import type { HorizontalPodAutoscaler, MetricTarget } from '../model/autoscaling-v2.js';
import type { QuantityValue } from '../model/core-v1.js';
import { Quantity } from '../model/quantity.js';
import { appendErrors, invalid, notSupported, required } from './field-errors.js';
import { positiveInt } from './numbers.js';

const metricTypes = ['Resource', 'Pods', 'Object', 'External', 'ContainerResource'] as const;
const targetTypes = ['Utilization', 'Value', 'AverageValue'] as const;

function quantity(field: string, v: QuantityValue | undefined): FieldError[] {
  if (v === undefined) return [];
  try {
    return Quantity.parse(v).cmp(Quantity.zero) > 0 ? [] : [invalid(field, v, 'must be positive')];
  } catch (err) {
    if (!isReason(err, 'BadRequest')) throw err;
    return [invalid(field, v, 'must be a valid quantity')];
  }
}

function validateTarget(t: MetricTarget | undefined, path: string, allowUtilization: boolean): FieldError[] {
  if (!t) return [required(path)];
  const errs: FieldError[] = [];
  if (!targetTypes.includes(t.type)) errs.push(notSupported(`${path}.type`, t.type, targetTypes));
  if (t.type === 'Utilization') {
    if (!allowUtilization) errs.push(invalid(`${path}.type`, t.type, 'Utilization is only valid for resource metrics'));
    if (t.averageUtilization === undefined) errs.push(required(`${path}.averageUtilization`));
    else errs.push(...positiveInt(`${path}.averageUtilization`, t.averageUtilization));
  }
  if (t.type === 'AverageValue' && t.averageValue === undefined) errs.push(required(`${path}.averageValue`));
  if (t.type === 'Value' && t.value === undefined) errs.push(required(`${path}.value`));
  errs.push(...quantity(`${path}.averageValue`, t.averageValue), ...quantity(`${path}.value`, t.value));
  return errs;
}

/**
 * HorizontalPodAutoscaler: a target reference, minReplicas >= 1,
 * maxReplicas >= 1 and >= minReplicas, metrics of known types with
 * well-formed targets.
 */
export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): FieldError[] {
  const spec = hpa.spec;
  if (!spec) return [required('spec')];
  const errs: FieldError[] = [];
  if (!spec.scaleTargetRef?.kind) errs.push(required('spec.scaleTargetRef.kind'));
  if (!spec.scaleTargetRef?.name) errs.push(required('spec.scaleTargetRef.name'));
  if (spec.minReplicas !== undefined && (!Number.isInteger(spec.minReplicas) || spec.minReplicas < 1)) {
    errs.push(invalid('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1'));
  }
  if (spec.maxReplicas === undefined) errs.push(required('spec.maxReplicas'));
  else {
    errs.push(...positiveInt('spec.maxReplicas', spec.maxReplicas));
    if (spec.maxReplicas < (spec.minReplicas ?? 1)) {
      errs.push(invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than or equal to `minReplicas`'));
    }
  }
  (spec.metrics ?? []).forEach((m, i) => {
    const p = `spec.metrics[${i}]`;
    if (!metricTypes.includes(m.type)) {
      errs.push(notSupported(`${p}.type`, m.type, metricTypes));
      return;
    }
    if (m.type === 'Resource') {
      if (!m.resource) errs.push(required(`${p}.resource`, 'must populate information for the given metric source'));
      else {
        if (!m.resource.name) errs.push(required(`${p}.resource.name`));
        appendErrors(errs, validateTarget(m.resource.target, `${p}.resource.target`, true));
      }
    } else if (m.type === 'ContainerResource') {
      if (!m.containerResource)
        errs.push(required(`${p}.containerResource`, 'must populate information for the given metric source'));
      else {
        if (!m.containerResource.name) errs.push(required(`${p}.containerResource.name`));
        if (!m.containerResource.container) errs.push(required(`${p}.containerResource.container`));
        appendErrors(errs, validateTarget(m.containerResource.target, `${p}.containerResource.target`, true));
      }
    } else if (m.type === 'Pods') {
      if (!m.pods) errs.push(required(`${p}.pods`, 'must populate information for the given metric source'));
      else {
        if (!m.pods.metric?.name) errs.push(required(`${p}.pods.metric.name`));
        appendErrors(errs, validateTarget(m.pods.target, `${p}.pods.target`, false));
      }
    }
  });
  return errs;
}
