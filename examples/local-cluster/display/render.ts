import type { WorkloadProgress } from '@flotilla/controllers';
import type { Deployment, Event } from '@flotilla/core';
import type { ClusterView, NodeRow, PodRow } from './cluster-view.js';

/** ANSI styles, applied only when the output is a terminal. */
export interface Styles {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
}

const ansi = (code: number) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;

/** Colours for a terminal. */
export const colorStyles: Styles = { bold: ansi(1), dim: ansi(2), green: ansi(32), yellow: ansi(33), red: ansi(31) };
/** No escapes at all, for logs and CI. */
export const plainStyles: Styles = { bold: String, dim: String, green: String, yellow: String, red: String };

/** Colours on a terminal, plain text anywhere else. */
export function stylesFor(out: { isTTY?: boolean }): Styles {
  return out.isTTY === true ? colorStyles : plainStyles;
}

/** `[#####.....]`: `done` of `total` as a bar `width` characters wide. */
export function progressBar(done: number, total: number, width = 20): string {
  const filled = total <= 0 ? width : Math.min(width, Math.round((Math.max(0, done) / total) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/**
 * One rollout line: a bar of updated-and-available replicas, then surge
 * (pods above the desired count, at most maxSurge) and unavailable
 * (desired pods not available, at most maxUnavailable once the rollout runs).
 */
export function rolloutLine(d: Deployment): string {
  const want = d.spec.replicas ?? 1;
  const s = d.status ?? {};
  const available = Math.min(s.updatedReplicas ?? 0, s.availableReplicas ?? 0);
  // The two figures the rolling-update strategy bounds: pods above the desired count, available pods below it.
  const surge = Math.max(0, (s.replicas ?? 0) - want);
  const unavailable = Math.max(0, want - (s.availableReplicas ?? 0));
  return (
    `${progressBar(available, want)} deployment/${d.metadata.name}: ${s.updatedReplicas ?? 0}/${want} updated, ` +
    `${s.availableReplicas ?? 0} available, surge ${surge}, unavailable ${unavailable}`
  );
}

/** One followed workload as a line: a bar of done / desired, then its progress message (see `workloadProgress`). */
export function progressLine(p: WorkloadProgress): string {
  return `${progressBar(p.done, p.desired)} ${p.kind.toLowerCase()}/${p.name}: ${p.message}`;
}

const phaseColor = (phase: string, st: Styles) =>
  phase === 'Running' || phase === 'Succeeded'
    ? st.green
    : phase === 'Failed' || phase === 'Terminating'
      ? st.red
      : st.yellow;

/** One pod as a line (the line-by-line output and the table share it). */
function podLine(p: PodRow, st: Styles = plainStyles): string {
  const phase = phaseColor(p.phase, st)(p.phase.padEnd(11));
  return `${p.name.padEnd(40)} ${phase} ${p.node.padEnd(8)} ready ${p.ready}  restarts ${p.restarts}`;
}

/** One node as a line. */
export function nodeLine(n: NodeRow, st: Styles = plainStyles): string {
  const status = n.status === 'Ready' ? st.green(n.status) : st.red(n.status);
  return `${n.name.padEnd(8)} ${status}  pods ${String(n.pods).padStart(3)}  ${n.taints.length > 0 ? `taints ${n.taints.join(', ')}` : ''}`.trimEnd();
}

/** One Event as a line: type, reason, object, message. */
export function eventLine(e: Event, st: Styles = plainStyles): string {
  const type = e.type === 'Warning' ? st.red('Warning') : 'Normal ';
  const count = (e.count ?? 1) > 1 ? ` (x${e.count})` : '';
  return `${type} ${e.reason ?? ''} ${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}: ${e.message ?? ''}${count}`;
}

/**
 * The whole dashboard: rollouts (every Deployment, and the other workloads
 * being followed), nodes, pods and recent events, as lines.
 */
export function renderDashboard(
  view: ClusterView,
  st: Styles,
  followed: readonly WorkloadProgress[] = [],
  maxPods = 24,
): string[] {
  const others = followed.filter((p) => p.kind !== 'Deployment').map(progressLine);
  const lines = [st.bold('ROLLOUTS'), ...view.deployments.map(rolloutLine), ...others, '', st.bold('NODES')];
  lines.push(...view.nodes.map((n) => nodeLine(n, st)), '', st.bold(`PODS (${view.pods.length})`));
  lines.push(...view.pods.slice(0, maxPods).map((p) => podLine(p, st)));
  if (view.pods.length > maxPods) lines.push(st.dim(`... and ${view.pods.length - maxPods} more`));
  lines.push('', st.bold('RECENT EVENTS'), ...view.events.map((e) => eventLine(e, st)));
  return lines;
}
