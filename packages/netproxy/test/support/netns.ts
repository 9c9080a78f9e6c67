import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type CommandResult, spawnRunner } from '../../src/apply/command-runner.js';

/**
 * Creates network namespaces, veth links and processes for data-plane tests,
 * and removes all of them in `cleanup()`. Every command is an argument
 * array (no shell). Names carry a random run id, so parallel runs and
 * leftovers from a crashed run never collide.
 *
 * Fails loudly: a command that does not succeed throws with its stderr (for
 * instance when not run as root), so a test never silently skips.
 */
export class NetnsHarness {
  private readonly id = randomBytes(3).toString('hex');
  private readonly namespaces: string[] = [];
  private readonly processes: ChildProcess[] = [];
  private links = 0;

  /** Runs `ip <args>` on the host and throws unless it succeeds. */
  async ip(...args: string[]): Promise<CommandResult> {
    return this.run('ip', args);
  }

  /** Runs a command and throws (with stderr) unless it exits 0. */
  async run(command: string, args: readonly string[], stdin?: string): Promise<CommandResult> {
    const result = await spawnRunner(command, args, stdin);
    if (result.code !== 0) {
      throw new Error(
        `${command} ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}; these tests need root and iproute2 (see scripts/setup-host.sh)`,
      );
    }
    return result;
  }

  /** A new namespace named `flt-<run id>-<role>` with loopback up. */
  async namespace(role: string): Promise<string> {
    const name = `flt-${this.id}-${role}`;
    await this.ip('netns', 'add', name);
    this.namespaces.push(name);
    await this.ip('-n', name, 'link', 'set', 'lo', 'up');
    return name;
  }

  /** Runs a command inside `ns` and throws unless it succeeds. */
  async exec(ns: string, command: string, args: readonly string[], stdin?: string): Promise<CommandResult> {
    return this.run('ip', ['netns', 'exec', ns, command, ...args], stdin);
  }

  /**
   * Links two namespaces with a veth pair (created inside `a`, so no host
   * interface name can collide), addresses both ends and brings them up.
   */
  async link(a: string, addressA: string, b: string, addressB: string): Promise<void> {
    const n = this.links++;
    const [ifA, ifB] = [`va${n}`, `vb${n}`];
    await this.ip('-n', a, 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', b);
    await this.ip('-n', a, 'addr', 'add', addressA, 'dev', ifA);
    await this.ip('-n', b, 'addr', 'add', addressB, 'dev', ifB);
    await this.ip('-n', a, 'link', 'set', ifA, 'up');
    await this.ip('-n', b, 'link', 'set', ifB, 'up');
  }

  /** Sets the default route of `ns`. */
  async defaultRoute(ns: string, via: string): Promise<void> {
    await this.ip('-n', ns, 'route', 'add', 'default', 'via', via);
  }

  /**
   * Gives `ns` a default route to an upstream namespace, as a real node has
   * one: without it, traffic to a ClusterIP that no rule translates would
   * fail routing (net unreachable) before reaching the filter rules under test.
   */
  async uplink(ns: string, address: string, gatewayAddress: string): Promise<void> {
    const upstream = await this.namespace('up');
    await this.link(ns, address, upstream, gatewayAddress);
    await this.defaultRoute(ns, gatewayAddress.split('/')[0]);
  }

  /** Enables IPv4 forwarding in `ns` (the node that routes service traffic). */
  async forwarding(ns: string): Promise<void> {
    await this.exec(ns, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
  }

  /**
   * Starts a long-running process in `ns`; resolves once it prints `ready`
   * on stdout. It is killed in `cleanup()`.
   */
  async start(ns: string, command: string, args: readonly string[]): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.processes.push(child);
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`${command} in ${ns} exited (${code}) before ready: ${stderr}`)));
    });
    return child;
  }

  /** Kills started processes and deletes every namespace made (their veths go with them). */
  async cleanup(): Promise<void> {
    for (const child of this.processes) child.kill('SIGKILL');
    this.processes.length = 0;
    for (const ns of this.namespaces.splice(0)) await spawnRunner('ip', ['netns', 'del', ns]);
  }
}
