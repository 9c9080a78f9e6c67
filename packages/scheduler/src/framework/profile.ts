import type { Pod } from '@flotilla/core';

/** The scheduler name pods get when they name none. */
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** One enabled plugin in a profile. */
export interface PluginConfig {
  name: string;
  /** Score weight (only for plugins that score). Default 1. */
  weight?: number;
  /** Plugin-specific arguments, passed to its factory. */
  args?: unknown;
}

/**
 * A scheduling profile: the plugins that schedule pods whose
 * `spec.schedulerName` is `schedulerName`. Several profiles may run in one
 * scheduler; pods naming no profile are ignored (another scheduler owns them).
 */
export interface Profile {
  schedulerName: string;
  plugins: PluginConfig[];
}

/** The scheduler a pod asks for. */
export function schedulerNameOf(pod: Pod): string {
  return pod.spec.schedulerName || DEFAULT_SCHEDULER_NAME;
}
