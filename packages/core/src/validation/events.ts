import type { FieldError } from '../errors/api-errors.js';
import type { Event } from '../model/core-v1.js';
import { invalid, oneOf, required } from './field-errors.js';

/** Longest event reason Kubernetes accepts. */
const MAX_EVENT_REASON_LENGTH = 128;

/**
 * Event: names its involved object (kind and name); a namespaced involved
 * object lives in the Event's namespace; type Normal or Warning; reason short.
 */
export function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const io = ev.involvedObject;
  if (!io) return [required('involvedObject')];
  if (!io.kind) errs.push(required('involvedObject.kind'));
  if (!io.name) errs.push(required('involvedObject.name'));
  if (io.namespace && ev.metadata.namespace && io.namespace !== ev.metadata.namespace) {
    errs.push(invalid('involvedObject.namespace', io.namespace, 'does not match event.namespace'));
  }
  errs.push(...oneOf('type', ev.type, ['Normal', 'Warning']));
  if (ev.reason && ev.reason.length > MAX_EVENT_REASON_LENGTH) {
    errs.push(invalid('reason', ev.reason, `can have at most ${MAX_EVENT_REASON_LENGTH} characters`));
  }
  return errs;
}
