import { BadRequestError } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';

const parse = (...argv: string[]) => parseOptions(argv, '/manifests');

describe('parseOptions', () => {
  it('defaults to the embedded cluster: memory store, simulated nodes, userspace proxy, 3 nodes, RBAC', () => {
    expect(parse()).toEqual({
      store: { kind: 'memory' },
      runtime: 'fake',
      proxy: 'userspace',
      nodes: 3,
      manifestsDir: '/manifests',
      watch: false,
      fast: false,
      authorization: 'RBAC',
    });
  });

  it.each([
    [['--store', 'etcd://127.0.0.1:2379'], { store: { kind: 'etcd', endpoints: ['http://127.0.0.1:2379'] } }],
    [['--store=etcd://a:1,b:2'], { store: { kind: 'etcd', endpoints: ['http://a:1', 'http://b:2'] } }],
    [['--store', 'file:///var/lib/flotilla'], { store: { kind: 'file', path: '/var/lib/flotilla' } }],
    [['--runtime', 'docker'], { runtime: 'docker' }],
    [['--proxy', 'nftables'], { proxy: 'nftables' }],
    [['--nodes', '5'], { nodes: 5 }],
    [['--manifests', 'my/dir'], { manifestsDir: 'my/dir' }],
    [['--watch', '--fast'], { watch: true, fast: true }],
    [['--serve'], { watch: true }],
    [['--log-file', '/tmp/x.log'], { logFile: '/tmp/x.log' }],
    [['--authorization', 'AlwaysAllow'], { authorization: 'AlwaysAllow' }],
    [['--authorization=RBAC'], { authorization: 'RBAC' }],
  ])('%j sets %j', (argv, expected) => {
    expect(parse(...argv)).toMatchObject(expected);
  });

  it('answers --help with "help"', () => {
    expect(parse('--help')).toBe('help');
  });

  it.each([
    [['--store', 'redis://x'], '--store redis://x: expected memory, etcd://HOST:PORT[,HOST:PORT] or file://PATH'],
    [['--store', 'etcd://a;rm -rf /:1'], '"a;rm -rf /:1" is not HOST:PORT'],
    [['--runtime', 'podman'], '--runtime podman: expected docker or fake'],
    [['--proxy', 'ipvs'], '--proxy ipvs: expected iptables, nftables or userspace'],
    [['--nodes', '1'], '--nodes 1: expected a whole number from 2 to 50'],
    [['--nodes', 'three'], '--nodes three: expected a whole number from 2 to 50'],
    [['--nodes'], '--nodes needs a value'],
    [['--authorization', 'ABAC'], '--authorization ABAC: expected RBAC or AlwaysAllow'],
    [['--colour'], 'unknown option --colour'],
  ])('refuses %j with a BadRequestError saying %s', (argv, message) => {
    expect(() => parse(...argv)).toThrow(BadRequestError);
    expect(() => parse(...argv)).toThrow(message);
  });
});
