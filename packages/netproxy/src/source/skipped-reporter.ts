import { type KubeObject, type Logger, registeredMetric, silentLogger } from '@flotilla/core';
import { Gauge, type Registry } from 'prom-client';
import type { SkippedObject } from '../state/proxy-state.js';

/** Where a Warning event about a skipped object goes: core's `EventRecorder` fits. */
export interface ProxyEventSink {
  /** Records a Warning event about `obj` with `reason` and `message`. */
  event(obj: Readonly<KubeObject>, type: 'Warning', reason: string, message: string): Promise<void>;
}

/** The Event reason for an object (or part of one) the proxy left out of its rules. */
export const PROXY_SKIPPED_REASON = 'FailedToProgram';

/** Options for `SkippedObjectReporter`. */
export interface SkippedObjectReporterOptions {
  readonly logger?: Logger;
  /** Warning Events about each skipped object; none when absent. */
  readonly events?: ProxyEventSink;
  /** Gets `flotilla_proxy_skipped_objects{kind}`, the objects left out now. */
  readonly metrics?: Registry;
}

const apiVersions: Record<SkippedObject['kind'], string> = { Service: 'v1', EndpointSlice: 'discovery.k8s.io/v1' };

/**
 * Tells people what the proxy left out of its rules and why: a warning log
 * line with the object's key and fields, a Warning Event on the object and a
 * gauge, once per object and problem (not once per sync). An object that is
 * fixed is forgotten, so a later problem with it is told again.
 */
export class SkippedObjectReporter {
  private readonly log: Logger;
  private readonly gauge?: Gauge<'kind'>;
  /** Key (`kind ns/name`) to the problems last told about it. */
  private told = new Map<string, string>();
  private last: readonly SkippedObject[] | undefined;

  constructor(private readonly options: SkippedObjectReporterOptions = {}) {
    this.log = options.logger ?? silentLogger();
    const registry = options.metrics;
    this.gauge = registry
      ? registeredMetric(
          registry,
          'flotilla_proxy_skipped_objects',
          () =>
            new Gauge({
              name: 'flotilla_proxy_skipped_objects',
              help: 'Services and EndpointSlices (or endpoints of them) left out of the proxy rules, by kind',
              labelNames: ['kind'],
              registers: [registry],
            }),
        )
      : undefined;
  }

  /** Reports the skipped objects of the newest state (its `skipped`); cheap when they did not change. */
  report(skipped: readonly SkippedObject[] | undefined): void {
    const now = skipped ?? [];
    // States patched without a change to what is skipped share the array.
    if (now === this.last) return;
    this.last = now;
    const told = new Map<string, string>();
    const counts = { Service: 0, EndpointSlice: 0 };
    for (const s of now) {
      counts[s.kind]++;
      const key = `${s.kind} ${s.namespace}/${s.name}`;
      const problems = s.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
      told.set(key, problems);
      if (this.told.get(key) === problems) continue;
      const what = s.kind === 'Service' ? 'left out of the proxy rules' : 'endpoints left out of the proxy rules';
      this.log.warn({ kind: s.kind, object: `${s.namespace}/${s.name}`, service: s.service, problems }, what);
      void this.options.events
        ?.event(
          { apiVersion: apiVersions[s.kind], kind: s.kind, metadata: { namespace: s.namespace, name: s.name } },
          'Warning',
          PROXY_SKIPPED_REASON,
          `${what}: ${problems}`,
        )
        .catch((err: unknown) => this.log.debug({ err }, 'could not record the event'));
    }
    this.told = told;
    for (const [kind, n] of Object.entries(counts)) this.gauge?.set({ kind }, n);
  }
}
