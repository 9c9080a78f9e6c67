import { isProgressKind, type ProgressKind, rolloutProgress, type WorkloadProgress } from '@flotilla/controllers';
import { lastValueFrom, Subject, takeUntil, tap } from 'rxjs';
import type { AppliedObject } from '../manifests.js';
import type { DemoContext } from './step.js';

/** How one applied object ended: at its expected state, or not, and the reading or error that says so. */
export interface FollowOutcome {
  object: AppliedObject;
  converged: boolean;
  detail: string;
}

/** The controller (preset name) that moves each kind; a bare Pod needs only the scheduler and a node. */
const controllerOf: Record<ProgressKind, string | undefined> = {
  Deployment: 'deployment',
  ReplicaSet: 'replicaset',
  DaemonSet: 'daemonset',
  StatefulSet: 'statefulset',
  Job: 'job',
  Pod: undefined,
};

const label = (o: AppliedObject) => `${o.kind.toLowerCase()}/${o.name}`;

/**
 * Follows one object with `rolloutProgress` until it is complete, failed,
 * or `ctx.timeoutMs` passed, showing each reading on the display.
 */
async function follow(ctx: DemoContext, object: AppliedObject & { kind: ProgressKind }): Promise<FollowOutcome> {
  const timedOut = new Subject<void>();
  const timer = ctx.clock.setTimeout(() => timedOut.next(), ctx.timeoutMs);
  let last: WorkloadProgress | undefined;
  try {
    const final = await lastValueFrom(
      rolloutProgress(ctx.cluster.api, object.kind, object.namespace ?? 'default', object.name).pipe(
        tap((p) => {
          last = p;
          ctx.display.progress(p);
        }),
        takeUntil(timedOut),
      ),
      { defaultValue: undefined },
    );
    if (final?.state === 'complete') return { object, converged: true, detail: final.message };
    if (final?.state === 'failed') return { object, converged: false, detail: final.message };
    const seconds = Math.round(ctx.timeoutMs / 1000);
    return { object, converged: false, detail: `not there within ${seconds} s: ${last?.message ?? 'no reading'}` };
  } catch (err) {
    return { object, converged: false, detail: (err as Error).message };
  } finally {
    timer.cancel();
  }
}

/**
 * Follows every applied object whose kind has an expected state (rollouts
 * of Deployments, DaemonSets and StatefulSets, Jobs, bare Pods: see
 * `workloadProgress`) to that state, all at
 * once. Objects of other kinds (Services, ConfigMaps, CronJobs, ...) are
 * there once applied and are not listed. An object whose controller this
 * build lacks is reported as not followed, and counts as converged.
 */
export async function followWorkloads(ctx: DemoContext, objects: readonly AppliedObject[]): Promise<FollowOutcome[]> {
  const followed = objects.map((object): Promise<FollowOutcome> | undefined => {
    const kind = object.kind;
    if (!isProgressKind(kind)) return undefined;
    const controller = controllerOf[kind];
    if (controller && !ctx.cluster.controllers.includes(controller)) {
      return Promise.resolve({
        object,
        converged: true,
        detail: `not run (no ${controller} controller in this build)`,
      });
    }
    return follow(ctx, { ...object, kind });
  });
  return Promise.all(followed.filter((f) => f !== undefined));
}

/** `deployment/web` and friends, for the outcome lines. */
export function outcomeLine(o: FollowOutcome): string {
  return `${label(o.object)}: ${o.detail}`;
}
