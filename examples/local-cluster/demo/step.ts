import type { Clock } from '@flotilla/core';
import type { LocalCluster } from '../cluster.js';
import type { LiveDisplay } from '../display/live-display.js';

/** What every step can use. */
export interface DemoContext {
  cluster: LocalCluster;
  display: LiveDisplay;
  clock: Clock;
  /** The bound on each wait of a step. */
  timeoutMs: number;
  /** A pause before each step, so a person can read the screen (0 with `--fast`). */
  pauseMs: number;
  /** Counters the summary reports. */
  stats: DemoStats;
}

/** Totals over the whole demo. */
export interface DemoStats {
  requestsOk: number;
  requestsFailed: number;
}

/** One step of the demo: a line that says what is about to happen, then the doing of it. */
export interface DemoStep {
  title: string;
  /** Printed before the step runs. */
  explain: string;
  /** Controllers (preset names) the step needs; without them it is skipped, saying which is missing. */
  needs?: readonly string[];
  /** Objects the step works on; when one is absent (not in the applied manifests) the step is skipped, saying which. */
  objects?: readonly ObjectRef[];
  /** Why the step cannot run on this cluster (it is then skipped with that reason), or undefined. */
  unsupported?(ctx: DemoContext): string | undefined;
  /** Does the step and resolves with a one-line result; throws when the cluster did not behave. */
  run(ctx: DemoContext): Promise<string>;
}

/** An object by kind, namespace and name. */
export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

/** How a step ended. */
export interface StepResult {
  title: string;
  outcome: 'ok' | 'failed' | 'skipped';
  detail: string;
  ms: number;
}
