import { FakeClock } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import {
  ApplyError,
  type CommandResult,
  type CommandRunner,
  inNetworkNamespace,
  type LaunchedProcess,
  type LaunchOptions,
  type ProcessExit,
} from '../src/apply/command-runner.js';
import { detectIptablesBackend, IptablesApplier } from '../src/apply/iptables-applier.js';
import { IpvsApplier } from '../src/apply/ipvs-applier.js';
import { nftOneLine } from '../src/apply/nft-one-line.js';
import { NftSession } from '../src/apply/nft-session.js';
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

/**
 * A stand-in for `nft -i`: records what it is sent and, unless told to stay
 * quiet, answers each line on stderr as nft does (`stderrFor` a command
 * line; the error about the missing marker table for a marker line).
 */
class FakeNft implements LaunchedProcess {
  readonly written: string[] = [];
  readonly keptAlive: boolean[] = [];
  ended = false;
  killed = false;
  quiet = false;
  stderrFor: (line: string) => string = () => '';
  private readonly stderrListeners: ((text: string) => void)[] = [];
  private readonly exitListeners: ((exit: ProcessExit) => void)[] = [];
  private exited: ProcessExit | undefined;

  write(text: string): void {
    this.written.push(text);
    if (this.quiet) return;
    for (const line of text.split('\n').filter((l) => l !== '')) {
      const marker = /^list table ip (\S+)$/.exec(line)?.[1];
      this.stderr(marker ? markerError(marker) : this.stderrFor(line));
    }
  }
  end(): void {
    this.ended = true;
    this.exit({ code: 0, detail: 'exited with code 0' });
  }
  kill(): void {
    this.killed = true;
    this.exit({ code: 128, detail: 'killed by SIGKILL' });
  }
  onStderr(listener: (text: string) => void): void {
    this.stderrListeners.push(listener);
  }
  onExit(listener: (exit: ProcessExit) => void): void {
    if (this.exited) listener(this.exited);
    else this.exitListeners.push(listener);
  }
  keepAlive(alive: boolean): void {
    this.keptAlive.push(alive);
  }
  /** Emits stderr text (nothing when empty). */
  stderr(text: string): void {
    if (text !== '') for (const listener of this.stderrListeners) listener(text);
  }
  exit(exit: ProcessExit): void {
    if (this.exited) return;
    this.exited = exit;
    for (const listener of this.exitListeners) listener(exit);
  }
}

/** What nft 1.0.6 prints for `list table ip <marker>` when no such table exists. */
const markerError = (marker: string) =>
  `Error: No such file or directory\nlist table ip ${marker}\n${' '.repeat(14)}${'^'.repeat(marker.length)}\n`;

/** A launcher of `FakeNft`s that records each launch. */
function fakeLauncher(configure: (nft: FakeNft) => void = () => {}) {
  const launches: { command: string; args: readonly string[]; options?: LaunchOptions }[] = [];
  const processes: FakeNft[] = [];
  const launch = (command: string, args: readonly string[], options?: LaunchOptions) => {
    launches.push({ command, args, options });
    const nft = new FakeNft();
    configure(nft);
    processes.push(nft);
    return nft;
  };
  return { launches, processes, launch };
}

/** Whether `promise` has settled after the pending callbacks have run (no time passes). */
async function isSettled(clock: FakeClock, promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await clock.flush();
  return settled;
}

const partialInput = {
  ...input,
  endpointSlices: [endpointSlice('ns', 'web', [{ port: 8080 }], [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }])],
};

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

  it('gives an incremental sync to nft -f - too when the runner cannot launch', async () => {
    const { calls, runner } = recorder();
    const first = nftablesRules(input);
    const second = nftablesRules({ ...partialInput, previous: first.state });
    await new NftablesApplier({ runner }).apply(second);
    expect(second.full).toBe(false);
    expect(calls).toEqual([{ command: 'nft', args: ['-f', '-'], stdin: second.text }]);
  });

  it('with a launching runner: full syncs and checks one-shot, incremental syncs as one line to one nft -i child', async () => {
    const { calls, runner: run } = recorder();
    const fake = fakeLauncher();
    const runner: CommandRunner = Object.assign(run, { launch: fake.launch });
    const applier = new NftablesApplier({ runner });
    const first = nftablesRules(input);
    const second = nftablesRules({ ...partialInput, previous: first.state });
    const third = nftablesRules({ ...input, previous: second.state });
    await applier.apply(first);
    await applier.check(second);
    await applier.apply(second);
    await applier.apply(third);
    expect(calls).toEqual([
      { command: 'nft', args: ['-f', '-'], stdin: first.text },
      { command: 'nft', args: ['-c', '-f', '-'], stdin: second.text },
    ]);
    expect(fake.launches).toEqual([
      { command: 'nft', args: ['-i'], options: { env: { HOME: '/dev/null', LC_ALL: 'C' } } },
    ]);
    const [nft] = fake.processes;
    const lines = nft.written.map((w) => w.split('\n'));
    expect(lines.map((l) => l[0])).toEqual([nftOneLine(second.text), nftOneLine(third.text)]);
    for (const l of lines) expect(l.slice(1)).toEqual([expect.stringMatching(/^list table ip flotilla-sync-\S+$/), '']);
    expect(new Set(lines.map((l) => l[1])).size).toBe(2);
    await applier.close();
    expect(nft.ended).toBe(true);
  });
});

describe('nftOneLine', () => {
  it.each([
    [
      'one command per line',
      'add element ip t s { 1.1.1.1 }\ndelete chain ip t c\n',
      'add element ip t s { 1.1.1.1 }; delete chain ip t c',
    ],
    [
      'blank lines and indentation',
      '\n  flush chain ip t c  \n\n\tadd rule ip t c accept\n',
      'flush chain ip t c; add rule ip t c accept',
    ],
    ['a multi-line block', 'table ip t {\n\tchain c {\n\t\taccept\n\t}\n}\n', 'table ip t {; chain c {; accept; }; }'],
    ['an empty script', '\n', ''],
    [
      'a comment (it would swallow the rest of the line)',
      'add chain ip t c # new\nadd rule ip t c accept\n',
      undefined,
    ],
    ['a line continued with a backslash', 'add rule ip t c \\\naccept\n', undefined],
  ])('joins %s', (_, script, expected) => {
    expect(nftOneLine(script)).toBe(expected);
  });
});

describe('NftSession', () => {
  const session = (configure?: (nft: FakeNft) => void, options: { recycleAfterChars?: number } = {}) => {
    const clock = new FakeClock();
    const fake = fakeLauncher(configure);
    return { clock, fake, session: new NftSession({ launch: fake.launch, clock, timeoutMs: 5000, ...options }) };
  };

  it('starts nft -i on the first line only, and keeps Node alive only while a line is in flight', async () => {
    const { fake, session: s } = session();
    expect(fake.launches).toHaveLength(0);
    await s.run('add element ip t s { 1.1.1.1 }');
    await s.run('add element ip t s { 2.2.2.2 }');
    expect(fake.launches).toHaveLength(1);
    expect(fake.processes[0].keptAlive).toEqual([true, false, true, false]);
  });

  it('settles a line only once the whole marker error has arrived, whatever the chunking', async () => {
    const {
      clock,
      fake,
      session: s,
    } = session((nft) => {
      nft.quiet = true;
    });
    const done = s.run('add element ip t s { 1.1.1.1 }');
    await clock.flush();
    const nft = fake.processes[0];
    const marker = /list table ip (\S+)/.exec(nft.written[0])![1];
    const answer = markerError(marker);
    nft.stderr(answer.slice(0, 40));
    expect(await isSettled(clock, done)).toBe(false);
    nft.stderr(answer.slice(40, -1));
    expect(await isSettled(clock, done)).toBe(false);
    nft.stderr(answer.slice(-1));
    expect(await isSettled(clock, done)).toBe(true);
    await expect(done).resolves.toBeUndefined();
  });

  it('rejects a refused line with ApplyError carrying what nft said before the marker, and keeps the child', async () => {
    const refusal = 'Error: No such file or directory\nadd element ip t nosuch { 1.1.1.1 }\n                 ^^^^^^\n';
    const { fake, session: s } = session((nft) => {
      nft.stderrFor = (line) => (line.includes('nosuch') ? refusal : '');
    });
    const error = await s.run('add element ip t nosuch { 1.1.1.1 }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyError);
    expect(error).toMatchObject({ command: 'nft', args: ['-i'], exitCode: 1, stderr: refusal });
    expect((error as ApplyError).message).toMatch(/full resync/);
    await s.run('add element ip t s { 1.1.1.1 }');
    expect(fake.launches).toHaveLength(1);
  });

  it('reports a child that dies with a line in flight as ApplyError, and starts a new child for the next line', async () => {
    const {
      clock,
      fake,
      session: s,
    } = session((nft) => {
      nft.quiet = fake.processes.length === 0;
    });
    const done = s.run('add element ip t s { 1.1.1.1 }').catch((e: unknown) => e);
    await clock.flush();
    fake.processes[0].stderr('nft: out of memory\n');
    fake.processes[0].exit({ code: 134, detail: 'killed by SIGABRT' });
    const error = await done;
    expect(error).toBeInstanceOf(ApplyError);
    expect(error).toMatchObject({ exitCode: 134, stderr: 'nft: out of memory\n(nft -i killed by SIGABRT)' });
    await s.run('add element ip t s { 1.1.1.1 }');
    expect(fake.launches).toHaveLength(2);
  });

  it('kills a child that does not answer within the timeout and reports it', async () => {
    const {
      clock,
      fake,
      session: s,
    } = session((nft) => {
      nft.quiet = true;
    });
    const done = s.run('add element ip t s { 1.1.1.1 }').catch((e: unknown) => e);
    await clock.step(4999);
    expect(fake.processes[0].killed).toBe(false);
    await clock.step(1);
    expect(fake.processes[0].killed).toBe(true);
    const error = await done;
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).stderr).toBe('(nft -i no answer within 5000 ms, so it was killed)');
  });

  it('sends one line at a time, in call order', async () => {
    const {
      clock,
      fake,
      session: s,
    } = session((nft) => {
      nft.quiet = true;
    });
    const first = s.run('add element ip t s { 1.1.1.1 }');
    const second = s.run('add element ip t s { 2.2.2.2 }');
    await clock.flush();
    const nft = fake.processes[0];
    expect(nft.written).toHaveLength(1);
    expect(nft.written[0]).toMatch(/^add element ip t s \{ 1\.1\.1\.1 \}\n/);
    nft.stderr(markerError(/list table ip (\S+)/.exec(nft.written[0])![1]));
    await first;
    await clock.flush();
    expect(nft.written).toHaveLength(2);
    expect(nft.written[1]).toMatch(/^add element ip t s \{ 2\.2\.2\.2 \}\n/);
    expect(await isSettled(clock, second)).toBe(false);
    nft.stderr(markerError(/list table ip (\S+)/.exec(nft.written[1])![1]));
    await second;
  });

  it('refuses a line with a newline in it (it would be two transactions)', async () => {
    const { fake, session: s } = session();
    await expect(s.run('add chain ip t a\nadd chain ip t b')).rejects.toThrow(/one line per transaction/);
    expect(fake.launches).toHaveLength(0);
  });

  it('close ends the child after the lines queued before it; a later line starts a new one', async () => {
    const {
      clock,
      fake,
      session: s,
    } = session((nft) => {
      nft.quiet = true;
    });
    const line = s.run('add element ip t s { 1.1.1.1 }');
    const closed = s.close();
    await clock.flush();
    const nft = fake.processes[0];
    expect(nft.ended).toBe(false);
    nft.stderr(markerError(/list table ip (\S+)/.exec(nft.written[0])![1]));
    await line;
    await closed;
    expect(nft.ended).toBe(true);
    fake.processes.length = 0;
    const again = s.run('add element ip t s { 2.2.2.2 }');
    await clock.flush();
    fake.processes[0].stderr(markerError(/list table ip (\S+)/.exec(fake.processes[0].written[0])![1]));
    await again;
    expect(fake.launches).toHaveLength(2);
  });

  it('replaces a child once it has been sent recycleAfterChars (nft -i keeps every line in memory)', async () => {
    const { fake, session: s } = session(undefined, { recycleAfterChars: 100 });
    await s.run('add element ip t s { 1.1.1.1 }');
    expect(fake.processes[0].ended).toBe(false);
    await s.run(`add element ip t s { ${Array.from({ length: 10 }, (_, i) => `10.0.0.${i}`).join(', ')} }`);
    expect(fake.processes[0].ended).toBe(true);
    await s.run('add element ip t s { 3.3.3.3 }');
    expect(fake.launches).toHaveLength(2);
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

  it('launches in the namespace with the same arguments when the runner can launch, and not otherwise', () => {
    const fake = fakeLauncher();
    const { runner } = recorder();
    const inside = inNetworkNamespace('flt-test', Object.assign(runner, { launch: fake.launch }));
    inside.launch?.('nft', ['-i'], { env: { HOME: '/dev/null' } });
    expect(fake.launches).toEqual([
      { command: 'ip', args: ['netns', 'exec', 'flt-test', 'nft', '-i'], options: { env: { HOME: '/dev/null' } } },
    ]);
    expect(inNetworkNamespace('flt-test', recorder().runner).launch).toBeUndefined();
  });

  it.each(['a b', '../etc', 'x;reboot', '', '..'])('refuses the namespace name %j', (name) => {
    expect(() => inNetworkNamespace(name)).toThrow(/network namespace name .* is invalid/);
  });
});
