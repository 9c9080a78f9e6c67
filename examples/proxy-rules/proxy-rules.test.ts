import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

const sample = fileURLToPath(new URL('./sample-services.yaml', import.meta.url));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('proxy-rules on the sample manifest', () => {
  it.each([
    {
      mode: 'iptables',
      lines: [
        '*nat',
        // two ready endpoints: the first taken with probability 1/2, the second as the fall-through
        /-A KUBE-SVC-\w+ -m comment --comment "shop\/web:http -> 198\.18\.1\.11:8080" -m statistic --mode random --probability 0\.5000000000 -j KUBE-SEP-\w+/,
        /-j DNAT --to-destination 198\.18\.2\.12:8080/,
        // ClientIP affinity for 3 hours, as Kubernetes' default
        /-m recent --name KUBE-SEP-\w+ --rcheck --seconds 10800 --reap/,
        /-A KUBE-NODEPORTS .*--dport 30443 -j KUBE-EXT-\w+/,
        /-A KUBE-SERVICES .*"shop\/reports has no endpoints" .*-d 198\.19\.0\.30\/32 --dport 9000 -j REJECT/,
      ],
    },
    {
      mode: 'nftables',
      lines: [
        'table ip flotilla {',
        /add element ip flotilla lb-2-endpoints \{ 198\.19\.0\.10 \. tcp \. 80 \. 0 : 198\.18\.1\.11 \. 8080, 198\.19\.0\.10 \. tcp \. 80 \. 1 : 198\.18\.2\.12 \. 8080 \}/,
        /add element ip flotilla no-endpoint-services \{ 198\.19\.0\.30 \. tcp \. 9000 : goto reject-chain \}/,
        /add element ip flotilla service-nodeports \{ tcp \. 30443 : goto ext-\w+ \}/,
      ],
    },
    {
      mode: 'ipvs',
      lines: [
        '-C',
        '-A -t 198.19.0.10:80 -s rr',
        '-a -t 198.19.0.10:80 -r 198.18.1.11:8080 -m -w 1',
        '-a -t 198.19.0.10:80 -r 198.18.2.12:8080 -m -w 1',
        '-A -t 198.19.0.20:443 -s rr -p 10800',
        '-A -t 198.18.0.1:30443 -s rr -p 10800',
        '-A -t 198.19.0.30:9000 -s rr',
      ],
    },
  ])('prints $mode rules for every service of the sample', async ({ mode, lines }) => {
    const { code, out } = await run(sample, '--mode', mode);
    expect(code).toBe(0);
    const printed = out.split('\n');
    for (const line of lines) {
      if (typeof line === 'string') expect(printed).toContain(line);
      else
        expect(
          printed.some((l) => line.test(l)),
          `no line matches ${line}`,
        ).toBe(true);
    }
  });

  it('defaults to iptables and says which addresses IPVS needs bound', async () => {
    expect((await run(sample)).out.startsWith('*filter\n')).toBe(true);
    expect((await run(sample, '--mode', 'ipvs')).err).toContain(
      '# bind on kube-ipvs0: 198.19.0.10 198.19.0.20 198.19.0.30',
    );
  });

  it('uses the node IPs it is given for NodePorts', async () => {
    const { out } = await run(sample, '--mode', 'ipvs', '--node-ip', '198.18.7.7', '--node-ip', '198.18.7.8');
    expect(out).toContain('-A -t 198.18.7.7:30443 -s rr -p 10800');
    expect(out).toContain('-A -t 198.18.7.8:30443 -s rr -p 10800');
  });

  // Starting tsx in a child process takes seconds on a loaded machine.
  it('runs as one command', { timeout: 60_000 }, async () => {
    const child = spawn(
      'npx',
      ['tsx', fileURLToPath(new URL('./main.ts', import.meta.url)), sample, '--mode', 'ipvs'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('-C');
  });
});

describe('proxy-rules on bad input', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxy-rules-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    { argv: [], message: 'give exactly one manifest file' },
    { argv: ['a.yaml', 'b.yaml'], message: 'give exactly one manifest file' },
    { argv: ['a.yaml', '--mode', 'userspace'], message: 'unknown --mode "userspace"; choose iptables, nftables, ipvs' },
  ])('refuses usage $argv with exit code 2', async ({ argv, message }) => {
    const { code, err } = await run(...argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain('usage: proxy-rules');
  });

  it('names the bad fields of a hostile manifest and prints no rules', async () => {
    const file = join(dir, 'hostile.yaml');
    await writeFile(
      file,
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata: { name: "web; iptables -F", namespace: default }',
        'spec: { clusterIP: "198.19.0.1 -j ACCEPT", ports: [{ port: 80 }] }',
      ].join('\n'),
    );
    const { code, out, err } = await run(file);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/metadata\.name/);
    expect(err).toMatch(/spec\.clusterIP/);
  });

  it('mentions objects that are not Services or EndpointSlices', async () => {
    const file = join(dir, 'mixed.yaml');
    await writeFile(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\n');
    const { code, err } = await run(file);
    expect(code).toBe(0);
    expect(err).toContain('# ignored (not Services or EndpointSlices): ConfigMap/settings');
  });

  it('reports a missing file', async () => {
    const { code, err } = await run(join(dir, 'absent.yaml'));
    expect(code).toBe(1);
    expect(err).toContain('ENOENT');
  });
});
