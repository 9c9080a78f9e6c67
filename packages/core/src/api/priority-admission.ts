import { ForbiddenError, NotFoundError } from '../errors/api-errors.js';
import type { Pod } from '../model/core-v1.js';
import type { PriorityClass } from '../model/scheduling-v1.js';
import { SYSTEM_PRIORITY_CLASSES } from '../validation/scheduling.js';
import type { AdmissionHook, ResourceClient } from './types.js';

/** The PriorityClass client the admission reads (and creates the system classes through). */
export type PriorityClassSource = () => ResourceClient<PriorityClass>;

/** The global default class: the lowest-valued of those marked `globalDefault`, as Kubernetes picks. */
async function globalDefault(classes: ResourceClient<PriorityClass>): Promise<PriorityClass | undefined> {
  let best: PriorityClass | undefined;
  for (const pc of (await classes.list()).items) {
    if (pc.globalDefault && (!best || pc.value < best.value)) best = pc;
  }
  return best;
}

/**
 * Kubernetes' Priority admission plugin, as two hooks.
 *
 * On Pod create (mutating): `spec.priorityClassName` is resolved to the
 * class's `value` (into `spec.priority`) and `preemptionPolicy`; a pod
 * naming no class gets the global default class (or priority 0 without
 * one); a class that does not exist refuses the pod (Forbidden); a
 * `spec.priority` or `spec.preemptionPolicy` that differs from the class's
 * refuses it too. The system classes (`system-cluster-critical`,
 * `system-node-critical`) resolve even when not stored: Kubernetes' API
 * server creates them at start, Flotilla's Api writes nothing unasked.
 *
 * On PriorityClass create and update (validating): a second
 * `globalDefault` class is refused.
 */
export function priorityAdmission(classes: PriorityClassSource): AdmissionHook[] {
  const resolve = async (name: string): Promise<PriorityClass | undefined> => {
    try {
      return await classes().get(name);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      return SYSTEM_PRIORITY_CLASSES.find((pc) => pc.metadata.name === name);
    }
  };
  return [
    {
      name: 'Priority',
      phase: 'mutating',
      kinds: ['Pod'],
      operations: ['CREATE'],
      async admit(req) {
        const pod = req.object as Pod;
        let pc: PriorityClass | undefined;
        const name = pod.spec.priorityClassName;
        if (name) {
          pc = await resolve(name);
          if (!pc) {
            throw new ForbiddenError(
              `pods "${pod.metadata.name}" is forbidden: no PriorityClass with name ${name} was found`,
            );
          }
        } else {
          pc = await globalDefault(classes());
          if (pc) pod.spec.priorityClassName = pc.metadata.name;
        }
        const priority = pc?.value ?? 0;
        if (pod.spec.priority !== undefined && pod.spec.priority !== priority) {
          throw new ForbiddenError(
            `pods "${pod.metadata.name}" is forbidden: the integer value of priority (${pod.spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
          );
        }
        pod.spec.priority = priority;
        const policy = pc ? (pc.preemptionPolicy ?? 'PreemptLowerPriority') : undefined;
        if (policy) {
          if (pod.spec.preemptionPolicy !== undefined && pod.spec.preemptionPolicy !== policy) {
            throw new ForbiddenError(
              `pods "${pod.metadata.name}" is forbidden: the string value of PreemptionPolicy (${pod.spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
            );
          }
          pod.spec.preemptionPolicy = policy;
        }
      },
    },
    {
      name: 'PriorityClassDefault',
      kinds: ['PriorityClass'],
      operations: ['CREATE', 'UPDATE'],
      async admit(req) {
        const pc = req.object as PriorityClass;
        if (!pc.globalDefault) return;
        const existing = await globalDefault(classes());
        if (existing && existing.metadata.name !== pc.metadata.name) {
          throw new ForbiddenError(
            `priorityclasses "${pc.metadata.name}" is forbidden: PriorityClass ${existing.metadata.name} is already marked as default. Only one default can exist`,
          );
        }
      },
    },
  ];
}
