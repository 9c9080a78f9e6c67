import type { KubeObject } from '@flotilla/core';
import { column, type KindPrinter } from '../table.js';
import { ageColumn, nameColumn, orNone, selectorText, valueAt } from './common.js';

interface ServiceShape {
  spec?: {
    type?: string;
    clusterIP?: string;
    externalIPs?: string[];
    externalName?: string;
    selector?: Record<string, string>;
    ports?: { port: number; nodePort?: number; protocol?: string }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

const service = (obj: KubeObject) => obj as unknown as ServiceShape;

/** kubectl's EXTERNAL-IP: load balancer ingress or `<pending>`, external IPs, the external name. */
function externalIp(s: ServiceShape): string {
  const type = s.spec?.type ?? 'ClusterIP';
  const external = s.spec?.externalIPs ?? [];
  if (type === 'ExternalName') return s.spec?.externalName ?? '<none>';
  if (type === 'LoadBalancer') {
    const ingress = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '');
    const all = [...ingress, ...external].filter((a) => a !== '');
    return all.length ? all.join(',') : '<pending>';
  }
  return external.length ? external.join(',') : '<none>';
}

function ports(s: ServiceShape): string {
  const text = (s.spec?.ports ?? [])
    .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
    .join(',');
  return orNone(text);
}

/** kubectl's service columns: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE; wide adds SELECTOR. */
export const servicePrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Type', (obj) => service(obj).spec?.type ?? 'ClusterIP'),
    column('Cluster-IP', (obj) => orNone(service(obj).spec?.clusterIP)),
    column('External-IP', (obj) => externalIp(service(obj))),
    column('Port(s)', (obj) => ports(service(obj))),
    ageColumn,
    column('Selector', (obj) => selectorText({ matchLabels: service(obj).spec?.selector }), { priority: 1 }),
  ],
};

/** The most addresses kubectl lists before `+ N more...`. */
const SHOWN_ENDPOINTS = 3;

/** kubectl's endpoints columns: NAME ENDPOINTS AGE (`10.0.0.1:80,10.0.0.2:80 + 1 more...`). */
export const endpointsPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Endpoints', (obj) => {
      const subsets =
        (valueAt(obj, ['subsets']) as { addresses?: { ip: string }[]; ports?: { port: number }[] }[] | undefined) ?? [];
      const all: string[] = [];
      for (const s of subsets) {
        for (const a of s.addresses ?? []) {
          if (!s.ports?.length) all.push(a.ip);
          for (const p of s.ports ?? []) all.push(`${a.ip}:${p.port}`);
        }
      }
      if (all.length === 0) return '<none>';
      const shown = all.slice(0, SHOWN_ENDPOINTS).join(',');
      return all.length > SHOWN_ENDPOINTS ? `${shown} + ${all.length - SHOWN_ENDPOINTS} more...` : shown;
    }),
    ageColumn,
  ],
};
