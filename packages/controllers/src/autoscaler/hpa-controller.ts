import {
  type Condition,
  type HorizontalPodAutoscaler,
  type MetricSpec,
  type Pod,
  type PodMetricsSource,
  parseMilli,
  parseValue,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  toTimestamp,
} from '@flotilla/core';
import { setCondition } from '../conditions/conditions.js';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { messageOf } from '../controller-context/error-message.js';
import { isPodActive, isPodReady } from '../pod-control/pod-state.js';
import { calculateReplicas, DEFAULT_TOLERANCE, type PodSample, type ResourceTarget } from './replica-calculator.js';
import { readScale, type Scale, writeScale } from './scale-target.js';
import {
  applyBehavior,
  type LimitReason,
  type Recommendation,
  resolveBehavior,
  type ScaleEvent,
} from './scaling-behavior.js';

/** Kubernetes' `--horizontal-pod-autoscaler-sync-period`. */
export const HPA_SYNC_PERIOD_MS = 15_000;

/** Options of the HPA controller. */
export interface HorizontalPodAutoscalerOptions {
  /** Where per-pod CPU and memory usage come from. */
  metrics: PodMetricsSource;
  /** How often each HPA is evaluated. Default 15 s. */
  syncPeriodMs?: number;
  /** Ratios within this of 1 change nothing. Default 0.1. */
  tolerance?: number;
}

type CurrentMetric = NonNullable<NonNullable<HorizontalPodAutoscaler['status']>['currentMetrics']>[number];

/** Per-HPA memory: recommendations for the windows, and scale events for the policies. */
interface HpaState {
  history: Recommendation[];
  events: ScaleEvent[];
}

/** Usage of `resource` in the units the calculator uses: millicores for cpu, bytes otherwise. */
function amount(resource: string, value: string | number | undefined): number {
  if (value === undefined) return 0;
  return resource === 'cpu' ? parseMilli(value) : parseValue(value);
}

/**
 * Kubernetes' HorizontalPodAutoscaler controller (autoscaling/v2), one
 * evaluation per HPA every sync period on the Clock, the first one a sync
 * period after the HPA is seen (events in between evaluate nothing):
 *
 * 1. read the target's scale (any kind with `spec.replicas`; see `readScale`);
 * 2. for each `Resource` metric (cpu, memory; Utilization of requests or
 *    AverageValue), compute a replica count from the pods' samples in the
 *    metrics source (`calculateReplicas`: tolerance, missing metrics,
 *    unready pods) and take the highest;
 * 3. apply `behavior` (stabilization windows, Pods/Percent policies,
 *    selectPolicy) and min/max replicas (`applyBehavior`);
 * 4. write the target's `spec.replicas` if it changed, and the status:
 *    current/desired replicas, current metrics, lastScaleTime, and the
 *    conditions AbleToScale, ScalingActive, ScalingLimited.
 *
 * Guarantees: time only from the Clock; a target at 0 replicas is left
 * alone (ScalingActive False, ScalingDisabled); when no metric can be
 * computed the replica count is kept.
 *
 * Caveats: Pods, Object and External metrics are reported as unsupported
 * (ScalingActive False if no other metric works). Pod readiness is the
 * Ready condition (Kubernetes' CPU initialization period is not modelled).
 * Windows and scale events live in memory, as in Kubernetes.
 */
export class HorizontalPodAutoscalerReconciler implements Reconciler {
  private readonly states = new Map<string, HpaState>();
  /** Per HPA: when it may be evaluated next (at most once per sync period). */
  private readonly nextEvaluation = new Map<string, number>();
  private readonly syncPeriodMs: number;
  private readonly tolerance: number;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly options: HorizontalPodAutoscalerOptions,
  ) {
    this.syncPeriodMs = options.syncPeriodMs ?? HPA_SYNC_PERIOD_MS;
    this.tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  }

  async reconcile(req: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const ns = req.namespace ?? 'default';
    const key = `${ns}/${req.name}`;
    const hpa = this.ctx.informers.for<HorizontalPodAutoscaler>('HorizontalPodAutoscaler').cache.get(ns, req.name);
    if (!hpa) {
      this.states.delete(key);
      this.nextEvaluation.delete(key);
      return undefined;
    }
    const now = this.ctx.clock.now();
    // Kubernetes enqueues every HPA event with the sync period as delay and drops it while one waits:
    // a new HPA is first evaluated one period after it is seen, and its own status writes add no evaluation.
    const due = this.nextEvaluation.get(key) ?? now + this.syncPeriodMs;
    if (now < due) {
      this.nextEvaluation.set(key, due);
      return { requeueAfterMs: due - now };
    }
    this.nextEvaluation.set(key, now + this.syncPeriodMs);
    return this.evaluate(hpa, ns, key, now);
  }

  private async evaluate(
    hpa: Readonly<HorizontalPodAutoscaler>,
    ns: string,
    key: string,
    now: number,
  ): Promise<ReconcileResult> {
    const stamp = toTimestamp(now);
    const ref = hpa.spec.scaleTargetRef;
    const status: NonNullable<HorizontalPodAutoscaler['status']> = {
      ...hpa.status,
      observedGeneration: hpa.metadata.generation,
    };
    let conditions: Condition[] = hpa.status?.conditions ?? [];
    const set = (type: string, ok: boolean, reason: string, message: string) => {
      conditions = setCondition(conditions, {
        type,
        status: ok ? 'True' : 'False',
        reason,
        message,
        lastTransitionTime: stamp,
      });
    };

    let scale: Scale;
    try {
      scale = await readScale(this.ctx.api, ns, ref.kind, ref.name);
    } catch (err) {
      set(
        'AbleToScale',
        false,
        'FailedGetScale',
        `the HPA controller was unable to get the target's current scale: ${messageOf(err)}`,
      );
      await this.writeStatus(hpa, { ...status, conditions });
      return { requeueAfterMs: this.syncPeriodMs };
    }
    const current = scale.replicas;
    status.currentReplicas = current;
    set('AbleToScale', true, 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
    const minReplicas = hpa.spec.minReplicas ?? 1;
    if (current === 0 && minReplicas !== 0) {
      set(
        'ScalingActive',
        false,
        'ScalingDisabled',
        'scaling is disabled since the replica count of the target is zero',
      );
      await this.writeStatus(hpa, { ...status, desiredReplicas: 0, conditions });
      return { requeueAfterMs: this.syncPeriodMs };
    }

    const pods = scale.selector
      ? this.ctx.informers
          .for<Pod>('Pod')
          .cache.list({ namespace: ns, labelSelector: scale.selector })
          .filter(isPodActive)
      : [];
    const proposals: { replicas: number; metric: CurrentMetric; name: string }[] = [];
    const failures: string[] = [];
    const fetched = await this.fetchMetrics(ns, failures);
    for (const spec of fetched ? (hpa.spec.metrics ?? []) : []) {
      try {
        proposals.push(this.proposal(spec, current, pods, ns));
      } catch (err) {
        failures.push(messageOf(err));
      }
    }
    if (proposals.length === 0) {
      set(
        'ScalingActive',
        false,
        'FailedGetResourceMetric',
        `the HPA was unable to compute the replica count: ${failures.join('; ')}`,
      );
      await this.writeStatus(hpa, { ...status, desiredReplicas: current, conditions });
      return { requeueAfterMs: this.syncPeriodMs };
    }
    set(
      'ScalingActive',
      true,
      'ValidMetricFound',
      `the HPA was able to successfully calculate a replica count from ${proposals[0].name}`,
    );
    const best = proposals.reduce((a, b) => (b.replicas > a.replicas ? b : a));

    const state = this.states.get(key) ?? { history: [], events: [] };
    this.states.set(key, state);
    const { up, down } = resolveBehavior(hpa);
    const result = applyBehavior({
      now,
      current,
      recommended: best.replicas,
      minReplicas,
      maxReplicas: hpa.spec.maxReplicas,
      up,
      down,
      history: state.history,
      events: state.events,
    });
    const longest = Math.max(...[...up.policies, ...down.policies].map((p) => p.periodSeconds), 0) * 1000;
    state.events = state.events.filter((e) => e.at > now - longest);
    this.setLimited(set, result.limit);

    if (result.replicas !== current) {
      try {
        await writeScale(this.ctx.api, ns, ref.kind, ref.name, result.replicas);
      } catch (err) {
        set(
          'AbleToScale',
          false,
          'FailedUpdateScale',
          `the HPA controller was unable to update the target scale: ${messageOf(err)}`,
        );
        await this.writeStatus(hpa, { ...status, desiredReplicas: result.replicas, conditions });
        throw err;
      }
      state.events.push({ at: now, change: result.replicas - current });
      status.lastScaleTime = stamp;
      set(
        'AbleToScale',
        true,
        'SucceededRescale',
        `the HPA controller was able to update the target scale to ${result.replicas}`,
      );
      const direction = result.replicas > current ? 'above' : 'below';
      await this.ctx.events?.event(
        hpa,
        'Normal',
        'SuccessfulRescale',
        `New size: ${result.replicas}; reason: ${best.name} ${direction} target`,
      );
    }
    await this.writeStatus(hpa, {
      ...status,
      desiredReplicas: result.replicas,
      currentMetrics: proposals.map((p) => p.metric),
      conditions,
    });
    return { requeueAfterMs: this.syncPeriodMs };
  }

  /** Lets a source over a remote metrics API fetch the namespace first; a failure is recorded as why nothing was computed. */
  private async fetchMetrics(ns: string, failures: string[]): Promise<boolean> {
    try {
      await this.options.metrics.refresh?.(ns);
      return true;
    } catch (err) {
      failures.push(`unable to fetch pod metrics from the resource metrics API: ${messageOf(err)}`);
      return false;
    }
  }

  private proposal(spec: MetricSpec, current: number, pods: readonly Readonly<Pod>[], ns: string) {
    if (spec.type !== 'Resource' || !spec.resource)
      throw new Error(`metric type ${spec.type} is not supported; use Resource metrics (cpu, memory)`);
    const { name, target } = spec.resource;
    let goal: ResourceTarget;
    if (target.type === 'Utilization' && target.averageUtilization !== undefined)
      goal = { utilization: target.averageUtilization };
    else if (target.type === 'AverageValue' && target.averageValue !== undefined)
      goal = { averageValue: amount(name, target.averageValue) };
    else throw new Error(`resource metric ${name} needs a Utilization or AverageValue target`);
    const samples: PodSample[] = pods.map((pod) => {
      const sample = this.options.metrics.get(ns, pod.metadata.name);
      const usage = sample?.containers.reduce((sum, c) => sum + amount(name, c.usage[name as 'cpu' | 'memory']), 0);
      const request = pod.spec.containers.reduce((sum, c) => sum + amount(name, c.resources?.requests?.[name]), 0);
      // Readiness matters for cpu only, as in Kubernetes (its cpu initialization period is not modelled).
      const ready = name !== 'cpu' || isPodReady(pod);
      return { name: pod.metadata.name, pending: pod.status?.phase === 'Pending', ready, usage, request };
    });
    const out = calculateReplicas(current, samples, goal, this.tolerance);
    const shown = name === 'cpu' ? `${Math.round(out.averageValue)}m` : String(Math.round(out.averageValue));
    const metric: CurrentMetric = {
      type: 'Resource',
      resource: {
        name,
        current:
          out.utilization === undefined
            ? { averageValue: shown }
            : { averageUtilization: out.utilization, averageValue: shown },
      },
    };
    const label = 'utilization' in goal ? `${name} resource utilization (percentage of request)` : `${name} resource`;
    return { replicas: out.replicas, metric, name: label };
  }

  private setLimited(
    set: (type: string, ok: boolean, reason: string, message: string) => void,
    limit: LimitReason,
  ): void {
    const messages: Record<NonNullable<LimitReason>, string> = {
      TooManyReplicas: 'the desired replica count is more than the maximum replica count',
      TooFewReplicas: 'the desired replica count is less than the minimum replica count',
      ScaleUpLimit: 'the desired replica count is increasing faster than the maximum scale rate',
      ScaleDownLimit: 'the desired replica count is decreasing faster than the maximum scale rate',
    };
    if (limit) set('ScalingLimited', true, limit, messages[limit]);
    else set('ScalingLimited', false, 'DesiredWithinRange', 'the desired count is within the acceptable range');
  }

  private async writeStatus(
    hpa: Readonly<HorizontalPodAutoscaler>,
    status: NonNullable<HorizontalPodAutoscaler['status']>,
  ): Promise<void> {
    if (JSON.stringify(status) === JSON.stringify(hpa.status)) return;
    await this.ctx.api
      .resource('HorizontalPodAutoscaler')
      .updateStatus({ ...(structuredClone(hpa) as HorizontalPodAutoscaler), status });
  }
}
