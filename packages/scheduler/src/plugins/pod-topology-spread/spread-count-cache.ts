import type { Pod } from '@flotilla/core';
import type { NodeInfo } from '../../cache/node-info.js';
import type { Snapshot, SnapshotChangeMark } from '../../cache/snapshot.js';
import { countsForConstraint, type SpreadConstraint } from './spread-constraint.js';

/** What one node adds to the domain counts, as of one NodeInfo generation. */
interface NodeContribution {
  generation: number;
  eligible: boolean;
  /** Per constraint: the node's domain (undefined without the topology key: it counts nowhere) and its matching pods. */
  domains: (string | undefined)[];
  pods: number[];
}

/** One topology domain's nodes (the domain exists while > 0) and matching pods. */
export interface DomainTotal {
  nodes: number;
  pods: number;
}

/** Per constraint, per domain: its totals. */
type DomainTotals = Map<string, DomainTotal>[];

/** Per constraint, the matching pods of each domain, as maps of their own (to change without touching the cache). */
export function podsByDomain(totals: readonly ReadonlyMap<string, Readonly<DomainTotal>>[]): Map<string, number>[] {
  return totals.map((byDomain) => {
    const out = new Map<string, number>();
    for (const [domain, t] of byDomain) out.set(domain, t.pods);
    return out;
  });
}

interface Entry {
  perNode: Map<string, NodeContribution>;
  totals: DomainTotals;
  /** The snapshot the entry was last brought up to date with, and where its change log stood then. */
  seen?: { snapshot: Snapshot; mark: SnapshotChangeMark };
}

/** Distinct spread signatures kept; pods of one workload share one. */
const MAX_ENTRIES = 16;

/**
 * Matching-pod counts per topology domain, kept across cycles per "spread
 * signature" (namespace, constraints' keys and selectors, node inclusion
 * rules) and brought up to date by recounting only nodes whose NodeInfo
 * generation moved, found through the snapshot's log of refreshed nodes
 * (a pass over every node only when that log does not reach back). A
 * cycle costs the nodes changed since the signature's last cycle, not a
 * pass over 5,000 nodes nor over every pod in the cluster.
 *
 * Guarantees: the answer equals a full recount over `nodes` (a node that
 * disappeared triggers one).
 */
export class SpreadCountCache {
  private readonly entries = new Map<string, Entry>();

  counts(
    signature: string,
    pod: Pod,
    snapshot: Snapshot,
    constraints: readonly SpreadConstraint[],
    nodeCounts: (node: NonNullable<NodeInfo['node']>) => boolean,
  ): readonly ReadonlyMap<string, Readonly<DomainTotal>>[] {
    const nodes = snapshot.nodeInfoList;
    let entry = this.entries.get(signature);
    if (entry) this.entries.delete(signature);
    else {
      entry = { perNode: new Map(), totals: constraints.map(() => new Map()) };
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(signature, entry);
    const changed = entry.seen?.snapshot === snapshot ? snapshot.changedSince(entry.seen.mark) : undefined;
    for (const n of changed ?? nodes) {
      const prev = entry.perNode.get(n.name);
      if (prev?.generation === n.generation) continue;
      if (prev) apply(entry.totals, prev, -1);
      const next = contribution(pod, n, constraints, nodeCounts);
      entry.perNode.set(n.name, next);
      apply(entry.totals, next, 1);
    }
    entry.seen = { snapshot, mark: snapshot.changeMark() };
    if (!changed && entry.perNode.size > nodes.length) {
      this.entries.delete(signature);
      return this.counts(signature, pod, snapshot, constraints, nodeCounts);
    }
    // The live totals, not a copy: with hostname spreading there is a domain per node, and a copy per cycle
    // cost O(nodes) per pod. They stay valid until the next call for this signature.
    return entry.totals;
  }
}

function contribution(
  pod: Pod,
  n: NodeInfo,
  constraints: readonly SpreadConstraint[],
  nodeCounts: (node: NonNullable<NodeInfo['node']>) => boolean,
): NodeContribution {
  const eligible = !!n.node && nodeCounts(n.node);
  const domains: (string | undefined)[] = [];
  const pods: number[] = [];
  if (eligible) {
    const labels = n.labels;
    for (const c of constraints) {
      let k = 0;
      for (const p of n.pods) if (countsForConstraint(pod, p.pod, c)) k++;
      domains.push(labels[c.topologyKey]);
      pods.push(k);
    }
  }
  return { generation: n.generation, eligible, domains, pods };
}

function apply(totals: DomainTotals, c: NodeContribution, sign: 1 | -1): void {
  if (!c.eligible) return;
  for (let i = 0; i < totals.length; i++) {
    const domain = c.domains[i];
    if (domain === undefined) continue;
    const t = totals[i].get(domain) ?? { nodes: 0, pods: 0 };
    t.nodes += sign;
    t.pods += sign * c.pods[i];
    if (t.nodes === 0) totals[i].delete(domain);
    else totals[i].set(domain, t);
  }
}
