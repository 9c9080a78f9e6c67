import type { KubeObject } from '@flotilla/core';
import { column, type KindPrinter } from '../table.js';
import { ageColumn, nameColumn, orNone, valueAt } from './common.js';

interface NodeShape {
  metadata: KubeObject['metadata'];
  spec?: { unschedulable?: boolean };
  status?: {
    conditions?: { type: string; status: string }[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
  };
}

const node = (obj: KubeObject) => obj as unknown as NodeShape;
const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** kubectl's node STATUS: Ready / NotReady / Unknown, then `SchedulingDisabled` when cordoned. */
function nodeStatus(n: NodeShape): string {
  const ready = (n.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const parts = [
    ready === undefined
      ? 'Unknown'
      : ready.status === 'True'
        ? 'Ready'
        : ready.status === 'False'
          ? 'NotReady'
          : 'Unknown',
  ];
  if (n.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** kubectl's ROLES: the `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`. */
function roles(n: NodeShape): string {
  const found = new Set<string>();
  for (const [key, value] of Object.entries(n.metadata.labels ?? {})) {
    if (key.startsWith(ROLE_PREFIX) && key.length > ROLE_PREFIX.length) found.add(key.slice(ROLE_PREFIX.length));
    else if (key === 'kubernetes.io/role' && value) found.add(value);
  }
  return orNone([...found].sort().join(','));
}

const address = (type: string) => (obj: KubeObject) =>
  orNone((node(obj).status?.addresses ?? []).find((a) => a.type === type)?.address);
const info = (field: string) => (obj: KubeObject) =>
  orNone(valueAt(obj, ['status', 'nodeInfo', field]) as string | undefined);

/** kubectl's node columns: NAME STATUS ROLES AGE VERSION; wide adds the addresses, OS, kernel and runtime. */
export const nodePrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Status', (obj) => nodeStatus(node(obj))),
    column('Roles', (obj) => roles(node(obj))),
    ageColumn,
    column('Version', (obj) => node(obj).status?.nodeInfo?.kubeletVersion ?? ''),
    column('Internal-IP', address('InternalIP'), { priority: 1 }),
    column('External-IP', address('ExternalIP'), { priority: 1 }),
    column('OS-Image', info('osImage'), { priority: 1 }),
    column('Kernel-Version', info('kernelVersion'), { priority: 1 }),
    column('Container-Runtime', info('containerRuntimeVersion'), { priority: 1 }),
  ],
};
