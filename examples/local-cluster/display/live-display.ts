import type { WorkloadProgress } from '@flotilla/controllers';
import type { Clock, Deployment, Event, InformerFactory, Node, Pod, TimerHandle } from '@flotilla/core';
import type { Subscription } from 'rxjs';
import { podRow, readClusterView } from './cluster-view.js';
import { eventLine, nodeLine, progressLine, renderDashboard, rolloutLine, type Styles, stylesFor } from './render.js';

/** Where the display writes: stdout, or a stream in tests. */
export interface DisplayOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Options of `LiveDisplay`. */
export interface LiveDisplayOptions {
  out: DisplayOutput;
  informers: InformerFactory;
  clock: Clock;
  /** Redraw period on a terminal. Default 250 ms. */
  refreshMs?: number;
}

const storyLines = 12;

/**
 * What the screen shows while the cluster runs. The story (the demo's own
 * lines) comes through `say`; the cluster's state comes from the informers.
 *
 * - On a terminal it redraws a dashboard (rollout bars, nodes, pods, recent
 *   Events) under the last lines of the story, several times a second.
 * - Elsewhere (a pipe, CI, a test) it never redraws: it prints each story
 *   line and each change as one timestamped line: a pod whose phase, node,
 *   readiness or restarts changed, a node whose status or taints changed, a
 *   rollout that moved, a new or repeated Event.
 */
export class LiveDisplay {
  private readonly tty: boolean;
  private readonly styles: Styles;
  private readonly story: string[] = [];
  private readonly printed = new Map<string, string>();
  private readonly followed = new Map<string, WorkloadProgress>();
  private readonly subs: Subscription[] = [];
  private readonly startedAt: number;
  private timer?: TimerHandle;

  constructor(private readonly options: LiveDisplayOptions) {
    this.tty = options.out.isTTY === true;
    this.styles = stylesFor(options.out);
    this.startedAt = options.clock.now();
  }

  /** Styles for the caller's own lines (plain when not on a terminal). */
  get style(): Styles {
    return this.styles;
  }

  /** Adds a line to the story. */
  say(line = ''): void {
    if (!this.tty) {
      this.options.out.write(`${line}\n`);
      return;
    }
    this.story.push(line);
    if (this.story.length > storyLines) this.story.splice(0, this.story.length - storyLines);
    this.redraw();
  }

  /**
   * Shows a reading of a workload being followed (from `rolloutProgress`):
   * one line per change when not on a terminal, a bar in the dashboard's
   * rollouts on one.
   */
  progress(p: WorkloadProgress): void {
    const key = `${p.kind.toLowerCase()}/${p.namespace}/${p.name}`;
    this.followed.set(key, p);
    if (!this.tty) this.changed(`progress ${key}`, `progress ${progressLine(p)}`);
  }

  /** Starts following the cluster. */
  start(): void {
    if (this.tty) {
      const tick = () => {
        this.redraw();
        this.timer = this.options.clock.setTimeout(tick, this.options.refreshMs ?? 250);
      };
      tick();
      return;
    }
    const { informers } = this.options;
    this.subs.push(
      informers.for<Pod>('Pod').events$.subscribe((e) => {
        const row = podRow(e.object as Pod);
        this.changed(`pod ${row.name}`, e.type === 'deleted' ? `pod ${row.name} deleted` : `pod ${rowText(row)}`);
      }),
      informers.for<Node>('Node').events$.subscribe(() => {
        for (const n of readClusterView(informers).nodes) this.changed(`node ${n.name}`, `node ${nodeLine(n)}`);
      }),
      informers.for<Deployment>('Deployment').events$.subscribe((e) => {
        if (e.type !== 'deleted')
          this.changed(`rollout ${e.object.metadata.name}`, `rollout ${rolloutLine(e.object as Deployment)}`);
      }),
      informers.for<Event>('Event').events$.subscribe((e) => {
        if (e.type !== 'deleted' && !e.isInInitialList)
          this.changed(
            `event ${e.object.metadata.name} ${e.object.count ?? 1}`,
            `event ${eventLine(e.object as Event)}`,
          );
      }),
    );
  }

  /** Stops following; on a terminal, draws the final state once more. */
  stop(): void {
    this.timer?.cancel();
    for (const s of this.subs.splice(0)) s.unsubscribe();
    if (this.tty) this.redraw();
  }

  private elapsed(): string {
    return `[${((this.options.clock.now() - this.startedAt) / 1000).toFixed(1).padStart(5)}s]`;
  }

  /** Prints `text` for `key` unless it is what was last printed for that key. */
  private changed(key: string, text: string): void {
    if (this.printed.get(key) === text) return;
    this.printed.set(key, text);
    this.options.out.write(`  ${this.elapsed()} ${text}\n`);
  }

  private redraw(): void {
    const st = this.styles;
    const view = readClusterView(this.options.informers);
    const lines = [
      st.bold(`Flotilla local cluster ${st.dim(this.elapsed())}`),
      '',
      ...this.story,
      '',
      ...renderDashboard(view, st, [...this.followed.values()]),
    ];
    this.options.out.write(`\x1b[H\x1b[2J${lines.join('\n')}\n`);
  }
}

function rowText(row: ReturnType<typeof podRow>): string {
  return `${row.name} ${row.phase} on ${row.node}, ready ${row.ready}, restarts ${row.restarts}`;
}
