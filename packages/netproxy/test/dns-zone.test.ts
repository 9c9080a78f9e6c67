import { describe, expect, it } from 'vitest';
import { type DnsAnswer, DnsZone, RecordType } from '../src/dns/dns-records.js';
import { srvWeight } from '../src/dns/srv-weight.js';
import { buildProxyState } from '../src/state/proxy-state.js';
import { endpointSlice, externalNameService, service } from './support/fixtures.js';

const state = buildProxyState({
  nodeName: 'node-1',
  nodeIPs: ['198.18.0.1'],
  services: [
    service('default', 'web', '10.96.0.10', [
      { name: 'http', port: 80 },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ]),
    service('default', 'plain', '10.96.0.11', [{ port: 8080 }]),
    service('data', 'db', 'None', [{ name: 'pg', port: 5432 }]),
    service('data', 'empty', 'None', [{ name: 'pg', port: 5432 }]),
    externalNameService('default', 'search', 'www.example.com.'),
    externalNameService('default', 'inside', 'web.default.svc.cluster.local'),
  ],
  endpointSlices: [
    {
      ...endpointSlice('data', 'db', [{ name: 'pg', port: 5432 }], []),
      endpoints: [
        { addresses: ['10.1.0.7'], hostname: 'db-0', conditions: { ready: true } },
        { addresses: ['10.1.0.8'], conditions: { ready: true } },
        { addresses: ['10.1.0.9'], hostname: 'db-2', conditions: { ready: false } },
      ],
    },
    endpointSlice('data', 'empty', [{ name: 'pg', port: 5432 }], [{ ip: '10.1.0.20', ready: false }]),
    endpointSlice('default', 'web', [{ name: 'http', port: 8080 }], [{ ip: '10.1.0.30' }]),
  ],
});

const zone = new DnsZone(state);

const a = (name: string, address: string): DnsAnswer => ({ name, type: RecordType.A, address });
const cname = (name: string, domain: string): DnsAnswer => ({ name, type: RecordType.CNAME, domain });
const ptr = (name: string, domain: string): DnsAnswer => ({ name, type: RecordType.PTR, domain });
const srv = (name: string, port: number, target: string, weight = 100): DnsAnswer => ({
  name,
  type: RecordType.SRV,
  priority: 0,
  weight,
  port,
  target,
});

const sorted = (answers: readonly DnsAnswer[]) =>
  [...answers].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));

describe('DnsZone (Kubernetes DNS specification 1.1.0)', () => {
  const w = 'web.default.svc.cluster.local';
  const db = 'db.data.svc.cluster.local';
  it.each<[string, string, number, DnsAnswer[]]>([
    ['2.3.1 A: a ClusterIP service', w, RecordType.A, [a(w, '10.96.0.10')]],
    [
      '2.3.2 SRV: a named port points at the service',
      `_http._tcp.${w}`,
      RecordType.SRV,
      [srv(`_http._tcp.${w}`, 80, w)],
    ],
    ['2.3.2 SRV: the protocol is part of the name', `_dns._udp.${w}`, RecordType.SRV, [srv(`_dns._udp.${w}`, 53, w)]],
    ['2.3.3 PTR: a ClusterIP', '10.0.96.10.in-addr.arpa', RecordType.PTR, [ptr('10.0.96.10.in-addr.arpa', w)]],
    [
      '2.3.3 PTR: a ClusterIP of a service with only unnamed ports',
      '11.0.96.10.in-addr.arpa',
      RecordType.PTR,
      [ptr('11.0.96.10.in-addr.arpa', 'plain.default.svc.cluster.local')],
    ],
    ['2.4.1 A: a headless service lists its ready endpoints', db, RecordType.A, [a(db, '10.1.0.7'), a(db, '10.1.0.8')]],
    ['2.4.1 A: an endpoint by its hostname', `db-0.${db}`, RecordType.A, [a(`db-0.${db}`, '10.1.0.7')]],
    [
      '2.4.1 A: an endpoint without hostname, by dashed IP',
      `10-1-0-8.${db}`,
      RecordType.A,
      [a(`10-1-0-8.${db}`, '10.1.0.8')],
    ],
    [
      '2.4.2 SRV: one per ready endpoint, targeting its host name',
      `_pg._tcp.${db}`,
      RecordType.SRV,
      // CoreDNS splits the weight 100 among the records: two endpoints get 50 each.
      [srv(`_pg._tcp.${db}`, 5432, `10-1-0-8.${db}`, 50), srv(`_pg._tcp.${db}`, 5432, `db-0.${db}`, 50)],
    ],
    [
      '2.4.3 PTR: a ready endpoint with a hostname',
      '7.0.1.10.in-addr.arpa',
      RecordType.PTR,
      [ptr('7.0.1.10.in-addr.arpa', `db-0.${db}`)],
    ],
    [
      '2.4.3 PTR: a ready endpoint without one, by the name its A record has',
      '8.0.1.10.in-addr.arpa',
      RecordType.PTR,
      [ptr('8.0.1.10.in-addr.arpa', `10-1-0-8.${db}`)],
    ],
    [
      '2.5 CNAME: an ExternalName service answers an A query with its alias (not chased)',
      'search.default.svc.cluster.local',
      RecordType.A,
      [cname('search.default.svc.cluster.local', 'www.example.com')],
    ],
    [
      '2.5 CNAME: ... and a CNAME query',
      'search.default.svc.cluster.local',
      RecordType.CNAME,
      [cname('search.default.svc.cluster.local', 'www.example.com')],
    ],
    [
      '2.5 CNAME: ... and an SRV query',
      'search.default.svc.cluster.local',
      RecordType.SRV,
      [cname('search.default.svc.cluster.local', 'www.example.com')],
    ],
    [
      '2.5 CNAME: an alias into the cluster domain is not chased either',
      'inside.default.svc.cluster.local',
      RecordType.A,
      [cname('inside.default.svc.cluster.local', w)],
    ],
    [
      '2.2 TXT: the schema version',
      'dns-version.cluster.local',
      RecordType.TXT,
      [{ name: 'dns-version.cluster.local', type: RecordType.TXT, data: '1.1.0' }],
    ],
    [
      '2.6 A: a pod by its dashed IP',
      '10-1-2-3.default.pod.cluster.local',
      RecordType.A,
      [a('10-1-2-3.default.pod.cluster.local', '10.1.2.3')],
    ],
    [
      'case-insensitive, trailing dot ignored (forward)',
      'WEB.Default.SVC.cluster.local.',
      RecordType.A,
      [a(w, '10.96.0.10')],
    ],
    [
      'case-insensitive, trailing dot ignored (reverse)',
      '10.0.96.10.IN-ADDR.ARPA.',
      RecordType.PTR,
      [ptr('10.0.96.10.in-addr.arpa', w)],
    ],
  ])('%s: %s', (_, name, type, expected) => {
    const result = zone.lookup(name, type);
    expect(result.rcode).toBe('NOERROR');
    expect(sorted(result.answers)).toEqual(sorted(expected));
  });

  it.each<[string, string, number]>([
    ['a name with records, asked for another type', w, RecordType.PTR],
    ['a reverse name, asked for A', '10.0.96.10.in-addr.arpa', RecordType.A],
    ['a namespace under svc', 'default.svc.cluster.local', RecordType.A],
    ['svc itself', 'svc.cluster.local', RecordType.A],
    ['a parent of a ClusterIP reverse name', '0.96.10.in-addr.arpa', RecordType.PTR],
    ['a /8 reverse parent', '10.in-addr.arpa', RecordType.PTR],
    ['in-addr.arpa itself', 'in-addr.arpa', RecordType.PTR],
    ['the TXT record, asked for A', 'dns-version.cluster.local', RecordType.A],
  ])('NOERROR without answers for %s (%s)', (_, name, type) => {
    expect(zone.lookup(name, type)).toEqual({ rcode: 'NOERROR', answers: [] });
  });

  it.each<[string, string, number]>([
    ['an unknown service', 'nope.default.svc.cluster.local', RecordType.A],
    ['a service in another namespace', 'web.other.svc.cluster.local', RecordType.A],
    ['a search-path expansion of a full name', `${w}.default.svc.cluster.local`, RecordType.A],
    ['a headless service without ready endpoints (2.4.1)', 'empty.data.svc.cluster.local', RecordType.A],
    [
      'the SRV name of a headless service without ready endpoints',
      '_pg._tcp.empty.data.svc.cluster.local',
      RecordType.SRV,
    ],
    ['a not-ready endpoint by its hostname', `db-2.${db}`, RecordType.A],
    ['the reverse name of a not-ready endpoint', '9.0.1.10.in-addr.arpa', RecordType.PTR],
    ['the reverse name of an address outside the cluster', '1.2.0.192.in-addr.arpa', RecordType.PTR],
    [
      'the reverse name of an endpoint of a ClusterIP service (not in the specification)',
      '30.0.1.10.in-addr.arpa',
      RecordType.PTR,
    ],
    ['a name below an ExternalName alias', '_http._tcp.search.default.svc.cluster.local', RecordType.SRV],
    ['an SRV name of an unnamed port', '_8080._tcp.plain.default.svc.cluster.local', RecordType.SRV],
    ['a pod IP with an octet above 255', '300-1-1-1.default.pod.cluster.local', RecordType.A],
    ['a name outside the cluster domain', 'example.com', RecordType.A],
  ])('NXDOMAIN for %s: %s', (_, name, type) => {
    expect(zone.lookup(name, type)).toEqual({ rcode: 'NXDOMAIN', answers: [] });
  });

  // CoreDNS plugin/backend_lookup.go: weight = floor(100 / (100 x n) x 100), at least 1.
  it.each([
    [1, 100],
    [2, 50],
    [3, 33],
    [7, 14],
    [10, 10],
    [101, 1],
    [250, 1],
  ])('SRV weight of each of %i headless endpoints is %i', (count, weight) => {
    expect(srvWeight(count)).toBe(weight);
  });

  it('serves another cluster domain, given without or with a trailing dot', () => {
    const other = new DnsZone(state, 'Corp.Example.');
    expect(other.lookup('web.default.svc.corp.example', RecordType.A).answers).toEqual([
      a('web.default.svc.corp.example', '10.96.0.10'),
    ]);
    expect(other.lookup('10.0.96.10.in-addr.arpa', RecordType.PTR).answers).toEqual([
      ptr('10.0.96.10.in-addr.arpa', 'web.default.svc.corp.example'),
    ]);
    expect(other.lookup('search.default.svc.corp.example', RecordType.A).answers).toEqual([
      cname('search.default.svc.corp.example', 'www.example.com'),
    ]);
    expect(other.lookup(w, RecordType.A).rcode).toBe('NXDOMAIN');
  });

  it('gives one PTR per service name when two headless services share an endpoint IP', () => {
    const shared = buildProxyState({
      nodeName: 'node-1',
      nodeIPs: [],
      services: [service('ns', 'a', 'None', [{ port: 80 }]), service('ns', 'b', 'None', [{ port: 81 }])],
      endpointSlices: [
        endpointSlice('ns', 'a', [{ port: 80 }], [{ ip: '10.2.0.1' }]),
        endpointSlice('ns', 'b', [{ port: 81 }], [{ ip: '10.2.0.1' }]),
      ],
    });
    expect(sorted(new DnsZone(shared).lookup('1.0.2.10.in-addr.arpa', RecordType.PTR).answers)).toEqual([
      ptr('1.0.2.10.in-addr.arpa', '10-2-0-1.a.ns.svc.cluster.local'),
      ptr('1.0.2.10.in-addr.arpa', '10-2-0-1.b.ns.svc.cluster.local'),
    ]);
  });

  it('keeps each record once when a headless service has several ports over the same endpoints', () => {
    const ports = [
      { name: 'pg', port: 5432 },
      { name: 'metrics', port: 9187 },
    ];
    const twoPorts = buildProxyState({
      nodeName: 'node-1',
      nodeIPs: [],
      services: [service('ns', 'pg', 'None', ports)],
      endpointSlices: [endpointSlice('ns', 'pg', ports, [{ ip: '10.3.0.1' }, { ip: '10.3.0.2' }])],
    });
    const pgZone = new DnsZone(twoPorts);
    const n = 'pg.ns.svc.cluster.local';
    expect(sorted(pgZone.lookup(n, RecordType.A).answers)).toEqual([a(n, '10.3.0.1'), a(n, '10.3.0.2')]);
    expect(pgZone.lookup(`10-3-0-1.${n}`, RecordType.A).answers).toEqual([a(`10-3-0-1.${n}`, '10.3.0.1')]);
    expect(pgZone.lookup('1.0.3.10.in-addr.arpa', RecordType.PTR).answers).toEqual([
      ptr('1.0.3.10.in-addr.arpa', `10-3-0-1.${n}`),
    ]);
    expect(pgZone.lookup(`_metrics._tcp.${n}`, RecordType.SRV).answers).toHaveLength(2);
  });

  it('lists every ready endpoint of a large headless service once', () => {
    const ips = Array.from({ length: 2000 }, (_, i) => ({ ip: `10.4.${i >> 8}.${i & 255}` }));
    const large = buildProxyState({
      nodeName: 'node-1',
      nodeIPs: [],
      services: [service('ns', 'big', 'None', [{ name: 'p', port: 80 }])],
      endpointSlices: [endpointSlice('ns', 'big', [{ name: 'p', port: 80 }], ips)],
    });
    const answers = new DnsZone(large).lookup('big.ns.svc.cluster.local', RecordType.A).answers;
    expect(new Set(answers.map((r) => (r.type === RecordType.A ? r.address : r.type)))).toEqual(
      new Set(ips.map((e) => e.ip)),
    );
    expect(answers).toHaveLength(2000);
  });

  it('accepts a state built by hand without externalNames', () => {
    const bare = new DnsZone({ node: state.node, servicePorts: state.servicePorts });
    expect(bare.lookup(w, RecordType.A).answers).toEqual([a(w, '10.96.0.10')]);
    expect(bare.lookup('search.default.svc.cluster.local', RecordType.A).rcode).toBe('NXDOMAIN');
  });
});
