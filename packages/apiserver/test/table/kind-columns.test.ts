import type { KubeObject } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { nodePrinter } from '../../src/table/columns/nodes.js';
import { servicePrinter } from '../../src/table/columns/services.js';
import { deploymentPrinter } from '../../src/table/columns/workloads.js';
import type { KindPrinter } from '../../src/table/table.js';
import { toTable } from '../../src/table/to-table.js';

const now = Date.parse('2026-01-01T01:00:00Z');
const created = '2026-01-01T00:00:00Z';
const row = (printer: KindPrinter, obj: object) =>
  toTable(printer, [obj as KubeObject], { now, includeObject: 'None' }).rows[0]!.cells;
const headers = (printer: KindPrinter, priority: number) =>
  printer.columns.filter((c) => c.definition.priority === priority).map((c) => c.definition.name.toUpperCase());

describe('kubectl columns per kind', () => {
  it.each([
    ['a ready node', { conditions: [{ type: 'Ready', status: 'True' }] }, {}, {}, 'Ready'],
    [
      'a cordoned ready node',
      { conditions: [{ type: 'Ready', status: 'True' }] },
      { unschedulable: true },
      {},
      'Ready,SchedulingDisabled',
    ],
    ['a node that stopped reporting', { conditions: [{ type: 'Ready', status: 'Unknown' }] }, {}, {}, 'Unknown'],
    ['a not-ready node', { conditions: [{ type: 'Ready', status: 'False' }] }, {}, {}, 'NotReady'],
  ])('nodes: %s', (_, status, spec, labels, expected) => {
    const node = {
      metadata: { name: 'n1', creationTimestamp: created, labels },
      spec,
      status: { ...status, nodeInfo: { kubeletVersion: 'v1.32.0' } },
    };
    expect(row(nodePrinter, node).slice(0, 5)).toEqual(['n1', expected, '<none>', '60m', 'v1.32.0']);
  });

  it('nodes: ROLES from node-role labels; headers NAME STATUS ROLES AGE VERSION', () => {
    const node = { metadata: { name: 'cp', labels: { 'node-role.kubernetes.io/control-plane': '' } }, status: {} };
    expect(row(nodePrinter, node)[2]).toBe('control-plane');
    expect(headers(nodePrinter, 0)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
  });

  it.each([
    [
      'ClusterIP',
      { clusterIP: '10.96.0.10', ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }] },
      {},
      ['ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP'],
    ],
    [
      'NodePort',
      { type: 'NodePort', clusterIP: '10.96.0.11', ports: [{ port: 80, nodePort: 30080 }] },
      {},
      ['NodePort', '10.96.0.11', '<none>', '80:30080/TCP'],
    ],
    [
      'LoadBalancer without ingress',
      { type: 'LoadBalancer', clusterIP: '10.96.0.12', ports: [{ port: 443 }] },
      {},
      ['LoadBalancer', '10.96.0.12', '<pending>', '443/TCP'],
    ],
    [
      'LoadBalancer with an ingress IP',
      { type: 'LoadBalancer', clusterIP: '10.96.0.13', ports: [{ port: 443 }] },
      { loadBalancer: { ingress: [{ ip: '198.18.0.1' }] } },
      ['LoadBalancer', '10.96.0.13', '198.18.0.1', '443/TCP'],
    ],
  ])('services: %s', (_, spec, status, expected) => {
    expect(
      row(servicePrinter, { metadata: { name: 's', creationTimestamp: created }, spec, status }).slice(1, 5),
    ).toEqual(expected);
  });

  it('deployments: READY UP-TO-DATE AVAILABLE; wide adds CONTAINERS IMAGES SELECTOR', () => {
    const deploy = {
      metadata: { name: 'web', creationTimestamp: created },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    expect(row(deploymentPrinter, deploy)).toEqual(['web', '2/3', 3, 2, '60m', 'web', 'nginx:1.27', 'app=web']);
    expect(headers(deploymentPrinter, 0)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(headers(deploymentPrinter, 1)).toEqual(['CONTAINERS', 'IMAGES', 'SELECTOR']);
  });
});
