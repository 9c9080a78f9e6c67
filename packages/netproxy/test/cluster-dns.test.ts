import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import dns2 from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterDns, type ClusterDnsAddresses } from '../src/dns/cluster-dns.js';
import { buildProxyState } from '../src/state/proxy-state.js';
import { endpointSlice, externalNameService, service } from './support/fixtures.js';

const state = buildProxyState({
  nodeName: 'node-1',
  nodeIPs: ['127.0.0.1'],
  services: [
    service('default', 'web', '10.96.0.10', [
      { name: 'http', port: 80 },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ]),
    service('data', 'db', 'None', [{ name: 'pg', port: 5432 }]),
    externalNameService('default', 'search', 'www.example.com'),
  ],
  endpointSlices: [
    {
      ...endpointSlice(
        'data',
        'db',
        [{ name: 'pg', port: 5432 }],
        [{ ip: '10.1.0.7' }, { ip: '10.1.0.8' }, { ip: '10.1.0.9', ready: false }],
      ),
      endpoints: [
        { addresses: ['10.1.0.7'], hostname: 'db-0', conditions: { ready: true } },
        { addresses: ['10.1.0.8'], conditions: { ready: true } },
        { addresses: ['10.1.0.9'], conditions: { ready: false } },
      ],
    },
  ],
});

describe('ClusterDns over real UDP and TCP sockets', () => {
  const server = new ClusterDns({ domain: 'cluster.local', ttlSeconds: 7 });
  let addresses: ClusterDnsAddresses;
  let udp: dns2.DnsResolver;
  let tcp: dns2.DnsResolver;

  beforeAll(async () => {
    addresses = await server.start();
    server.update(state);
    udp = dns2.UDPClient({ dns: '127.0.0.1', port: addresses.udp.port });
    tcp = dns2.TCPClient({ dns: '127.0.0.1', port: addresses.tcp!.port });
  });
  afterAll(() => server.stop());

  /** The system's stub resolver library (c-ares), pointed at the server: proof that the wire format is standard. */
  const resolver = () => {
    const r = new Resolver({ timeout: 2000, tries: 1 });
    r.setServers([`127.0.0.1:${addresses.udp.port}`]);
    return r;
  };

  const A = (packet: dns2.Packet) => packet.answers.map((a) => a.address).sort();

  it.each([
    ['web.default.svc.cluster.local', ['10.96.0.10']],
    ['WEB.Default.svc.cluster.local.', ['10.96.0.10']],
    ['db.data.svc.cluster.local', ['10.1.0.7', '10.1.0.8']],
    ['db-0.db.data.svc.cluster.local', ['10.1.0.7']],
    ['10-1-0-8.db.data.svc.cluster.local', ['10.1.0.8']],
    ['10-1-2-3.default.pod.cluster.local', ['10.1.2.3']],
  ])('answers A %s over UDP', async (name, expected) => {
    const packet = await udp(name, 'A');
    expect(packet.header.rcode).toBe(0);
    expect(A(packet)).toEqual(expected);
  });

  it('answers over TCP too', async () => {
    expect(A(await tcp('web.default.svc.cluster.local', 'A'))).toEqual(['10.96.0.10']);
  });

  it('answers SRV for named ports, pointing at the service (ClusterIP) or each ready pod (headless)', async () => {
    const web = await udp('_http._tcp.web.default.svc.cluster.local', 'SRV');
    expect(web.answers.map((a) => [a.port, a.target])).toEqual([[80, 'web.default.svc.cluster.local']]);
    const dns = await udp('_dns._udp.web.default.svc.cluster.local', 'SRV');
    expect(dns.answers.map((a) => a.port)).toEqual([53]);
    const db = await udp('_pg._tcp.db.data.svc.cluster.local', 'SRV');
    expect(db.answers.map((a) => [a.port, a.target]).sort()).toEqual([
      [5432, '10-1-0-8.db.data.svc.cluster.local'],
      [5432, 'db-0.db.data.svc.cluster.local'],
    ]);
  });

  it.each([
    'nope.default.svc.cluster.local',
    'web.default.svc.cluster.local.default.svc.cluster.local',
    'web.other.svc.cluster.local',
    '300-1-1-1.default.pod.cluster.local',
    'example.com',
  ])('answers NXDOMAIN for %s (a search-path miss costs one quick round trip)', async (name) => {
    const packet = await udp(name, 'A');
    expect(packet.header.rcode).toBe(3);
    expect(packet.answers).toEqual([]);
  });

  it('answers NOERROR without records for parents of service names and for other types', async () => {
    for (const [name, type] of [
      ['default.svc.cluster.local', 'A'],
      ['svc.cluster.local', 'A'],
      ['web.default.svc.cluster.local', 'AAAA'],
    ] as const) {
      const packet = await udp(name, type);
      expect([name, packet.header.rcode, packet.answers.length]).toEqual([name, 0, 0]);
    }
  });

  it.each([
    ['A', 'A'],
    ['CNAME', 'CNAME'],
    ['SRV', 'SRV'],
  ] as const)('answers an ExternalName service with its CNAME to a %s query, without chasing it', async (_, type) => {
    for (const client of [udp, tcp]) {
      const packet = await client('search.default.svc.cluster.local', type);
      expect(packet.header.rcode).toBe(0);
      expect(packet.answers.map((a) => [a.name, a.type, a.domain, a.ttl])).toEqual([
        ['search.default.svc.cluster.local', dns2.Packet.TYPE.CNAME, 'www.example.com', 7],
      ]);
    }
  });

  it('gives a CNAME a stub resolver reads', async () => {
    expect(await resolver().resolveCname('search.default.svc.cluster.local')).toEqual(['www.example.com']);
  });

  it.each([
    ['a ClusterIP', '10.0.96.10.in-addr.arpa', ['web.default.svc.cluster.local']],
    ['a headless endpoint with a hostname', '7.0.1.10.in-addr.arpa', ['db-0.db.data.svc.cluster.local']],
    ['a headless endpoint without one', '8.0.1.10.in-addr.arpa', ['10-1-0-8.db.data.svc.cluster.local']],
  ])('answers PTR for %s over UDP and TCP', async (_, name, expected) => {
    for (const client of [udp, tcp]) {
      const packet = await client(name, 'PTR');
      expect(packet.header.rcode).toBe(0);
      expect(packet.answers.map((a) => [a.type, a.domain, a.ttl])).toEqual(
        expected.map((d) => [dns2.Packet.TYPE.PTR, d, 7]),
      );
    }
  });

  it('reverse-resolves ClusterIPs and ready headless endpoints through a stub resolver, and misses quickly', async () => {
    const r = resolver();
    expect(await r.reverse('10.96.0.10')).toEqual(['web.default.svc.cluster.local']);
    expect(await r.reverse('10.1.0.7')).toEqual(['db-0.db.data.svc.cluster.local']);
    await expect(r.reverse('10.1.0.9')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('answers NOERROR without records for the in-addr.arpa parents, so a reverse search path walks on', async () => {
    for (const name of ['0.96.10.in-addr.arpa', '96.10.in-addr.arpa', '10.in-addr.arpa', 'in-addr.arpa']) {
      const packet = await udp(name, 'PTR');
      expect([name, packet.header.rcode, packet.answers.length]).toEqual([name, 0, 0]);
    }
    expect((await udp('1.2.0.192.in-addr.arpa', 'PTR')).header.rcode).toBe(3);
  });

  it('serves the schema version as TXT', async () => {
    expect(await resolver().resolveTxt('dns-version.cluster.local')).toEqual([['1.1.0']]);
  });

  it('follows updates, given Kubernetes objects as the rule generators take them, or a built state', async () => {
    server.update({ nodeName: 'node-1', nodeIPs: [], services: [], endpointSlices: [] });
    expect((await udp('web.default.svc.cluster.local', 'A')).header.rcode).toBe(3);
    expect((await udp('search.default.svc.cluster.local', 'A')).header.rcode).toBe(3);
    expect((await udp('10.0.96.10.in-addr.arpa', 'PTR')).header.rcode).toBe(3);
    server.update(state);
    expect(A(await udp('web.default.svc.cluster.local', 'A'))).toEqual(['10.96.0.10']);
    expect((await udp('search.default.svc.cluster.local', 'A')).answers[0]?.domain).toBe('www.example.com');
  });
});

describe('ClusterDns with an answer larger than a UDP datagram', () => {
  const server = new ClusterDns();
  const ips = Array.from({ length: 300 }, (_, i) => `10.5.${i >> 8}.${i & 255}`);
  let port: number;

  beforeAll(async () => {
    port = (await server.start()).udp.port;
    server.update(
      buildProxyState({
        nodeName: 'node-1',
        nodeIPs: [],
        services: [service('ns', 'big', 'None', [{ name: 'p', port: 80 }])],
        endpointSlices: [
          endpointSlice(
            'ns',
            'big',
            [{ name: 'p', port: 80 }],
            ips.map((ip) => ({ ip })),
          ),
        ],
      }),
    );
  });
  afterAll(() => server.stop());

  it('sets TC over UDP, and a stub resolver gets every ready endpoint over TCP', async () => {
    const udp = dns2.UDPClient({ dns: '127.0.0.1', port, retryOverTCP: false });
    expect((await udp('big.ns.svc.cluster.local', 'A')).header.tc).toBe(1);
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    expect((await resolver.resolve4('big.ns.svc.cluster.local')).sort()).toEqual([...ips].sort());
  });
});

describe('ClusterDns sockets', () => {
  it('listens for TCP on the UDP port by default, and on its own ports when told', async () => {
    const server = new ClusterDns();
    const first = await server.start();
    expect(first.tcp?.port).toBe(first.udp.port);
    await expect(server.start()).rejects.toThrow(/already listening; call stop\(\)/);
    await server.stop();
    const udpOnly = new ClusterDns({ tcp: false });
    const addresses = await udpOnly.start();
    expect(addresses.tcp).toBeUndefined();
    await udpOnly.stop();
  });

  it('rejects with EADDRINUSE when its UDP port is taken, and can start again after close', async () => {
    const squatter = createSocket('udp4');
    const taken = await new Promise<number>((resolve) =>
      squatter.bind(0, '127.0.0.1', () => resolve(squatter.address().port)),
    );
    try {
      const server = new ClusterDns({ udpPort: taken });
      await expect(server.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
      const again = new ClusterDns();
      await again.start();
      await again.stop();
      const restarted = await again.start();
      expect(restarted.tcp?.port).toBe(restarted.udp.port);
      await again.stop();
    } finally {
      squatter.close();
    }
  });

  it('ends open TCP connections on close instead of waiting for them', async () => {
    const server = new ClusterDns();
    const { tcp } = await server.start();
    const client = connect(tcp!.port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const ended = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await server.stop();
    await ended;
    expect(client.destroyed).toBe(true);
  });
});
