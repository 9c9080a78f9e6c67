import { describe, expect, it } from 'vitest';
import { ApplyError, type CommandResult, type CommandRunner, inNetworkNamespace } from '../src/apply/command-runner.js';
import { detectIptablesBackend, IptablesApplier } from '../src/apply/iptables-applier.js';
import { IpvsApplier } from '../src/apply/ipvs-applier.js';
import { NftablesApplier } from '../src/apply/nftables-applier.js';
import { iptablesRules } from '../src/iptables/iptables-rules.js';
import { ipvsRules } from '../src/ipvs/ipvs-rules.js';
import { nftablesRules } from '../src/nftables/nftables-rules.js';
import { endpointSlice, service } from './support/fixtures.js';

interface Call {
  command: string;
  args: readonly string[];
  stdin?: string;
}

/** A runner that records every call and answers from `respond` (exit 0 by default). */
function recorder(respond: (call: Call) => Partial<CommandResult> = () => ({})) {
  const calls: Call[] = [];
  const runner: CommandRunner = async (command, args, stdin) => {
    const call = { command, args, stdin };
    calls.push(call);
    return { code: 0, stdout: '', stderr: '', ...respond(call) };
  };
  return { calls, runner };
}

const input = {
  nodeName: 'node-1',
  nodeIPs: ['198.18.0.1'],
  services: [service('ns', 'web', '10.0.0.1', [{ port: 80 }])],
  endpointSlices: [endpointSlice('ns', 'web', [{ port: 8080 }], [{ ip: '10.1.0.1' }])],
};

describe('IptablesApplier', () => {
  it('feeds the rules on stdin to iptables-<backend>-restore --noflush --wait, then ensures missing jumps', async () => {
    const { calls, runner } = recorder((c) => ({
      code: c.args.includes('-C') && c.args.includes('KUBE-POSTROUTING') ? 1 : 0,
    }));
    const rules = iptablesRules(input);
    await new IptablesApplier({ backend: 'legacy', runner }).apply(rules);
    expect(calls[0]).toEqual({ command: 'iptables-legacy-restore', args: ['--noflush', '--wait'], stdin: rules.text });
    const checks = calls.filter((c) => c.args.includes('-C'));
    expect(checks).toHaveLength(rules.jumps.length);
    const inserts = calls.filter((c) => c.args.includes('-I'));
    expect(inserts).toEqual([
      {
        command: 'iptables-legacy',
        args: [
          '--wait',
          '-t',
          'nat',
          '-I',
          'POSTROUTING',
          '-m',
          'comment',
          '--comment',
          'kubernetes postrouting rules',
          '-j',
          'KUBE-POSTROUTING',
        ],
        stdin: undefined,
      },
    ]);
  });

  it('skips the jump checks on a partial sync', async () => {
    const { calls, runner } = recorder();
    const first = iptablesRules(input);
    await new IptablesApplier({ backend: 'nft', runner }).apply(iptablesRules({ ...input, previous: first.state }));
    expect(calls.map((c) => c.command)).toEqual(['iptables-nft-restore']);
  });

  it('checks with --test and reports a failure with the tool stderr', async () => {
    const { calls, runner } = recorder(() => ({ code: 2, stderr: 'iptables-restore: line 7 failed\n' }));
    const applier = new IptablesApplier({ backend: 'legacy', runner });
    const error = await applier.check(iptablesRules(input)).catch((e: unknown) => e);
    expect(calls[0].args).toEqual(['--noflush', '--wait', '--test']);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).stderr).toContain('line 7 failed');
    expect((error as ApplyError).exitCode).toBe(2);
    expect((error as ApplyError).message).toMatch(/full resync/);
  });

  it.each([
    ['legacy holds KUBE- chains', ':KUBE-SERVICES - [0:0]\n-A X -j Y\n', '', 'legacy'],
    ['nft holds KUBE- chains', '-A X -j Y\n-A X -j Y\n', ':KUBE-SERVICES - [0:0]\n', 'nft'],
    ['legacy has more rules', '-A X -j Y\n-A X -j Y\n', '-A X -j Y\n', 'legacy'],
    ['both are empty', '', '', 'nft'],
  ])('detects the backend as kube-proxy does when %s', async (_, legacy, nft, expected) => {
    const { runner } = recorder((c) => ({ stdout: c.command === 'iptables-legacy-save' ? legacy : nft }));
    expect(await detectIptablesBackend(runner)).toBe(expected);
  });
});

describe('NftablesApplier', () => {
  it('runs nft -f - (and nft -c -f - to check) with the script on stdin', async () => {
    const { calls, runner } = recorder();
    const rules = nftablesRules(input);
    const applier = new NftablesApplier({ runner });
    await applier.apply(rules);
    await applier.check(rules);
    expect(calls).toEqual([
      { command: 'nft', args: ['-f', '-'], stdin: rules.text },
      { command: 'nft', args: ['-c', '-f', '-'], stdin: rules.text },
    ]);
  });
});

describe('IpvsApplier', () => {
  it('creates kube-ipvs0 when missing, binds addresses, unbinds stale ones and restores', async () => {
    const { calls, runner } = recorder((c) => ({ code: c.args[1] === 'show' ? 1 : 0 }));
    const applier = new IpvsApplier({ runner });
    const first = ipvsRules(input);
    await applier.apply(first);
    expect(calls.map((c) => [c.command, ...c.args].join(' '))).toEqual([
      'ip link show kube-ipvs0',
      'ip link add kube-ipvs0 type dummy',
      'ip -batch -',
      'ipvsadm-restore',
    ]);
    expect(calls[2].stdin).toBe('addr replace 10.0.0.1/32 dev kube-ipvs0\n');
    expect(calls[3].stdin).toBe(first.text);
    calls.length = 0;
    await applier.apply(ipvsRules({ ...input, services: [], previous: first.state }));
    expect(calls[2].stdin).toBe('addr del 10.0.0.1/32 dev kube-ipvs0\n');
  });
});

describe('inNetworkNamespace', () => {
  it('wraps every command in ip netns exec as an argument array', async () => {
    const { calls, runner } = recorder();
    await inNetworkNamespace('flt-test', runner)('nft', ['-f', '-'], 'x');
    expect(calls).toEqual([{ command: 'ip', args: ['netns', 'exec', 'flt-test', 'nft', '-f', '-'], stdin: 'x' }]);
  });

  it.each(['a b', '../etc', 'x;reboot', '', '..'])('refuses the namespace name %j', (name) => {
    expect(() => inNetworkNamespace(name)).toThrow(/network namespace name .* is invalid/);
  });
});
