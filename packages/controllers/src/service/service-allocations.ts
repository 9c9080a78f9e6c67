import {
  type AdmissionHook,
  type AdmissionRequest,
  type Clock,
  type ClusterApi,
  type FieldError,
  InvalidError,
  invalid,
  type Service,
} from '@flotilla/core';
import { DEFAULT_SERVICE_CIDR, ipToNumber, numberToIp, parseServiceCidr } from './cidr.js';
import { DEFAULT_NODE_PORT_RANGE, parseNodePortRange } from './node-port-range.js';
import type { AllocateFailure } from './range-allocator.js';
import { RangeAllocator } from './range-allocator.js';

/** Options of `ServiceAllocations`. */
export interface ServiceAllocationOptions {
  /** Where ClusterIPs come from. Default `10.96.0.0/12`. */
  serviceCidr?: string;
  /** Where node ports come from. Default `30000-32767`. */
  nodePortRange?: string;
  /** An allocation whose service never reached the store is freed by `repair` after this long. Default 60 s. */
  leakGraceMs?: number;
  clock?: Clock;
}

/** What one service holds. */
interface Holdings {
  ip?: number;
  ports: number[];
}

function needsClusterIP(svc: Readonly<Service>): boolean {
  return svc.spec.type !== 'ExternalName' && svc.spec.clusterIP !== 'None';
}

function needsNodePorts(svc: Readonly<Service>): boolean {
  return svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer';
}

/** What a service holds according to its spec. */
function holdingsOf(svc: Readonly<Service>): Holdings {
  const ip = svc.spec.clusterIP && svc.spec.clusterIP !== 'None' ? ipToNumber(svc.spec.clusterIP) : undefined;
  const ports = needsNodePorts(svc) ? (svc.spec.ports ?? []).flatMap((p) => (p.nodePort ? [p.nodePort] : [])) : [];
  return { ip, ports };
}

/**
 * ClusterIP and NodePort allocation for Services, the part of Kubernetes'
 * Service REST storage that hands out addresses. It runs as a mutating
 * admission hook, so a conflict is refused to the user who asked, at
 * create time, with the field that conflicts:
 *
 * - ClusterIP from the service CIDR (bitmap), the requested `clusterIP`
 *   honoured if free and in range; `None` (headless) and ExternalName get
 *   none. `clusterIPs` is set to match.
 * - node ports for NodePort and LoadBalancer services from the node port
 *   range, requested ones honoured if free.
 * - Releases follow the store, not requests: `observe` frees what a
 *   deleted service held, or what an update dropped, when the informer
 *   reports it (so a write that fails after admission never frees a value
 *   still stored). `repair` marks what the store holds and frees
 *   allocations whose service never got written (after a grace period).
 *
 * Guarantees: within one process no value is held by two services; the
 * allocators are filled from the store before the first admission, so
 * allocations survive restarts; a dry run allocates nothing.
 *
 * Caveats: one allocator per store. Two processes admitting Services into
 * the same store each keep their own bitmap (Kubernetes coordinates
 * through etcd); run the allocator in one process.
 */
export class ServiceAllocations {
  readonly ips: RangeAllocator;
  readonly ports: RangeAllocator;
  readonly cidr: string;
  private readonly clock: Clock;
  private readonly leakGraceMs: number;
  private readonly nodePortRange: string;
  private loaded?: Promise<void>;

  constructor(
    private readonly api: ClusterApi,
    options: ServiceAllocationOptions = {},
  ) {
    this.cidr = options.serviceCidr ?? DEFAULT_SERVICE_CIDR;
    const range = parseServiceCidr(this.cidr);
    this.ips = new RangeAllocator(range.first, range.last);
    this.nodePortRange = options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
    const ports = parseNodePortRange(this.nodePortRange);
    this.ports = new RangeAllocator(ports.first, ports.last);
    this.clock = options.clock ?? api.clock;
    this.leakGraceMs = options.leakGraceMs ?? 60_000;
  }

  /** The admission hook to add to the Api (`api.addAdmissionHook`). */
  admissionHook(): AdmissionHook {
    return {
      name: 'service-allocation',
      phase: 'mutating',
      kinds: ['Service'],
      operations: ['CREATE', 'UPDATE'],
      admit: (req) => this.admit(req as AdmissionRequest<Service>),
    };
  }

  /** Resolves once the allocators hold everything the store holds (done once, on first use). */
  ready(): Promise<void> {
    if (!this.loaded) {
      this.loaded = this.repair().then(
        () => undefined,
        (err: unknown) => {
          this.loaded = undefined;
          throw err;
        },
      );
    }
    return this.loaded;
  }

  /**
   * Allocates for a Service being written: everything it asks for or needs,
   * all or nothing. Throws InvalidError naming each field that cannot be
   * satisfied.
   */
  async admit(req: AdmissionRequest<Service>): Promise<void> {
    if (req.subresource) return;
    await this.ready();
    const svc = req.object;
    const owner = svc.metadata.uid ?? '';
    const old = req.oldObject;
    const errors: FieldError[] = [];
    const plan: { allocator: RangeAllocator; value?: number; path: string }[] = [];

    if (needsClusterIP(svc)) {
      const requested = svc.spec.clusterIP || old?.spec.clusterIP;
      plan.push({ allocator: this.ips, value: requested ? ipToNumber(requested) : undefined, path: 'spec.clusterIP' });
    }
    if (needsNodePorts(svc)) {
      for (const [i, port] of (svc.spec.ports ?? []).entries()) {
        const kept =
          port.nodePort || old?.spec.ports?.find((p) => p.port === port.port && p.protocol === port.protocol)?.nodePort;
        plan.push({ allocator: this.ports, value: kept || undefined, path: `spec.ports[${i}].nodePort` });
      }
    } else {
      for (const port of svc.spec.ports ?? []) delete port.nodePort;
    }
    for (const step of plan) {
      if (step.value === undefined) continue;
      const failure = step.allocator.check(step.value, owner);
      if (failure) errors.push(this.failure(step.path, step.value, failure, step.allocator));
    }
    if (errors.length === 0 && plan.some((s) => s.value === undefined)) {
      // Picking several at once: take them tentatively, so two ports of one service differ, then keep or undo.
      const taken: { allocator: RangeAllocator; value: number }[] = [];
      for (const step of plan) {
        if (step.value !== undefined) continue;
        const value = step.allocator.allocateNext(owner, this.clock.now());
        if (value === undefined) {
          errors.push(invalid(step.path, '', this.exhausted(step.allocator)));
          break;
        }
        taken.push({ allocator: step.allocator, value });
        step.value = value;
      }
      if (errors.length > 0 || req.dryRun) for (const t of taken) t.allocator.release(t.value, owner);
    }
    if (errors.length > 0) throw new InvalidError('Service', svc.metadata.name, errors);
    if (!req.dryRun) for (const step of plan) step.allocator.allocate(step.value!, owner, this.clock.now());
    this.writeBack(svc, plan);
  }

  /**
   * Follows the store: frees what a deleted Service held, and what an
   * update dropped (a type change away from NodePort, a removed port).
   * Feed it the Service informer's events.
   */
  observe(type: 'added' | 'updated' | 'deleted', svc: Readonly<Service>, old?: Readonly<Service>): void {
    const owner = svc.metadata.uid ?? '';
    const now = holdingsOf(svc);
    if (type === 'deleted') {
      this.free(owner, now);
      return;
    }
    this.mark(owner, now);
    if (type === 'updated' && old) {
      const before = holdingsOf(old);
      this.free(owner, {
        ip: before.ip !== now.ip ? before.ip : undefined,
        ports: before.ports.filter((p) => !now.ports.includes(p)),
      });
    }
  }

  /**
   * Brings the allocators in line with the store (Kubernetes' repair loops):
   * marks every stored service's values, and frees values whose owner is in
   * no stored service and that were allocated more than the grace period
   * ago (their write failed after admission). Returns the values found held
   * by two services, which only a store written by another process can
   * produce.
   */
  async repair(): Promise<{ conflicts: string[] }> {
    const { items } = await this.api.resource('Service').list();
    const owners = new Set<string>();
    const conflicts: string[] = [];
    for (const svc of items) {
      const owner = svc.metadata.uid ?? '';
      owners.add(owner);
      conflicts.push(
        ...this.mark(owner, holdingsOf(svc)).map((v) => `${svc.metadata.namespace}/${svc.metadata.name}: ${v}`),
      );
    }
    const cutoff = this.clock.now() - this.leakGraceMs;
    for (const allocator of [this.ips, this.ports]) {
      for (const [value, held] of [...allocator.entries()]) {
        if (!owners.has(held.owner) && held.at <= cutoff) allocator.release(value, held.owner);
      }
    }
    return { conflicts };
  }

  /** Marks `holdings` for `owner`; returns the values another owner already holds. */
  private mark(owner: string, holdings: Holdings): string[] {
    const clashes: string[] = [];
    const at = this.clock.now();
    if (holdings.ip !== undefined && this.ips.allocate(holdings.ip, owner, at) === 'allocated')
      clashes.push(`clusterIP ${numberToIp(holdings.ip)}`);
    for (const port of holdings.ports)
      if (this.ports.allocate(port, owner, at) === 'allocated') clashes.push(`nodePort ${port}`);
    return clashes;
  }

  private free(owner: string, holdings: Holdings): void {
    if (holdings.ip !== undefined) this.ips.release(holdings.ip, owner);
    for (const port of holdings.ports) this.ports.release(port, owner);
  }

  private writeBack(svc: Service, plan: { allocator: RangeAllocator; value?: number; path: string }[]): void {
    for (const step of plan) {
      if (step.value === undefined) continue;
      if (step.allocator === this.ips) {
        svc.spec.clusterIP = numberToIp(step.value);
        svc.spec.clusterIPs = [svc.spec.clusterIP];
      } else {
        const index = Number(/\[(\d+)\]/.exec(step.path)?.[1]);
        svc.spec.ports![index].nodePort = step.value;
      }
    }
    if (svc.spec.clusterIP === 'None') svc.spec.clusterIPs = ['None'];
  }

  private failure(path: string, value: number, why: AllocateFailure, allocator: RangeAllocator): FieldError {
    const shown = allocator === this.ips ? numberToIp(value) : value;
    if (allocator === this.ips) {
      return invalid(
        path,
        shown,
        why === 'allocated'
          ? `failed to allocate IP ${shown}: provided IP is already allocated; omit spec.clusterIP to get a free one`
          : `failed to allocate IP ${shown}: the provided IP is not in the valid range ${this.cidr}`,
      );
    }
    return invalid(
      path,
      shown,
      why === 'allocated'
        ? `provided port is already allocated; omit nodePort to get a free one`
        : `provided port is not in the valid range. The range of valid ports is ${this.nodePortRange}`,
    );
  }

  private exhausted(allocator: RangeAllocator): string {
    return allocator === this.ips
      ? `no IP addresses left in ${this.cidr}; delete unused services or widen the service CIDR`
      : `no node ports left in ${this.nodePortRange}; delete unused NodePort services or widen the range`;
  }
}
