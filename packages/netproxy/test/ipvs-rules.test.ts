import { describe, expect, it } from 'vitest';
import { ipvsRules } from '../src/ipvs/ipvs-rules.js';
import type { ProxyInput } from '../src/state/proxy-state.js';
import { endpointSlice, service } from './support/fixtures.js';

const input = (endpoints: { ip: string; node?: string }[], extra = {}): ProxyInput => ({
  nodeName: 'node-1',
  nodeIPs: ['198.18.0.1', '198.18.0.2'],
  services: [service('ns', 'web', '10.0.0.1', [{ name: 'http', port: 80, nodePort: 30080 }], extra)],
  endpointSlices: [endpointSlice('ns', 'web', [{ name: 'http', port: 8080 }], endpoints)],
});

/** Lines of an ipvsadm-restore text grouped by virtual server. */
function servers(text: string): Map<string, { definition: string; reals: string[] }> {
  const out = new Map<string, { definition: string; reals: string[] }>();
  for (const line of text.split('\n')) {
    const add = /^-A (-t|-u|--sctp-service) (\S+) (.*)$/.exec(line);
    if (add) out.set(add[2], { definition: add[3], reals: [] });
    const real = /^-a (-t|-u|--sctp-service) (\S+) -r (\S+) -m -w 1$/.exec(line);
    if (real) out.get(real[2])?.reals.push(real[3]);
  }
  return out;
}

describe('ipvsRules', () => {
  it('creates a virtual server per ClusterIP and per node IP NodePort, with a real server per ready endpoint', () => {
    const rules = ipvsRules(input([{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }], { type: 'NodePort' }));
    expect(rules.text.split('\n')[0]).toBe('-C');
    const vs = servers(rules.text);
    expect([...vs.keys()]).toEqual(['10.0.0.1:80', '198.18.0.1:30080', '198.18.0.2:30080']);
    for (const s of vs.values()) {
      expect(s.definition).toBe('-s rr');
      expect(s.reals).toEqual(['10.1.0.1:8080', '10.1.0.2:8080']);
    }
    expect(rules.addresses).toEqual(['10.0.0.1']);
  });

  it('uses persistence for ClientIP affinity and the configured scheduler', () => {
    const rules = ipvsRules({
      ...input([{ ip: '10.1.0.1' }], {
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 300 } },
      }),
      scheduler: 'lc',
    });
    expect(servers(rules.text).get('10.0.0.1:80')?.definition).toBe('-s lc -p 300');
  });

  it('binds external and load balancer IPs and serves them with local endpoints under Local policy', () => {
    const rules = ipvsRules({
      ...input(
        [
          { ip: '10.1.0.1', node: 'node-1' },
          { ip: '10.1.0.2', node: 'node-2' },
        ],
        {
          type: 'LoadBalancer',
          externalIPs: ['198.18.9.9'],
          externalTrafficPolicy: 'Local',
        },
      ),
      services: [
        service(
          'ns',
          'web',
          '10.0.0.1',
          [{ name: 'http', port: 80, nodePort: 30080 }],
          { type: 'LoadBalancer', externalIPs: ['198.18.9.9'], externalTrafficPolicy: 'Local' },
          { loadBalancer: { ingress: [{ ip: '198.18.7.7' }] } },
        ),
      ],
    });
    expect(rules.addresses).toEqual(['10.0.0.1', '198.18.7.7', '198.18.9.9']);
    const vs = servers(rules.text);
    expect(vs.get('10.0.0.1:80')?.reals).toEqual(['10.1.0.1:8080', '10.1.0.2:8080']);
    expect(vs.get('198.18.9.9:80')?.reals).toEqual(['10.1.0.1:8080']);
    expect(vs.get('198.18.0.1:30080')?.reals).toEqual(['10.1.0.1:8080']);
  });

  it('emits only the differences when given the previous state', () => {
    const first = ipvsRules(input([{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }]));
    const second = ipvsRules({ ...input([{ ip: '10.1.0.2' }, { ip: '10.1.0.3' }]), previous: first.state });
    expect(second.full).toBe(false);
    expect(second.text.trim().split('\n')).toEqual([
      '-d -t 10.0.0.1:80 -r 10.1.0.1:8080',
      '-a -t 10.0.0.1:80 -r 10.1.0.3:8080 -m -w 1',
    ]);
    const gone = ipvsRules({ ...input([]), services: [], previous: second.state });
    expect(gone.text.trim()).toBe('-D -t 10.0.0.1:80');
  });

  it('refuses an unknown scheduler', () => {
    expect(() => ipvsRules({ ...input([]), scheduler: 'fastest' as 'rr' })).toThrow(
      /scheduler "fastest" is not supported/,
    );
  });
});
