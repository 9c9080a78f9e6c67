import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { BadRequestError } from '@flotilla/core';
import type { LocalClusterOptions } from './options.js';

const isRoot = () => process.getuid?.() === 0;

/** True when `command` can be run (it exists on PATH); spawned with an argument array, never a shell. */
function hasCommand(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined;
}

/**
 * Checks, before anything starts, that what the options ask for is there:
 * root and the rule tools for `--proxy iptables|nftables`, root or the
 * Docker socket for `--runtime docker`.
 *
 * @throws BadRequestError saying what is missing and what to run instead.
 */
export async function checkOptionalComponents(options: LocalClusterOptions): Promise<void> {
  if (options.proxy !== 'userspace') {
    const tool = options.proxy === 'iptables' ? 'iptables-restore' : 'nft';
    if (!isRoot()) {
      throw new BadRequestError(
        `--proxy ${options.proxy} programs kernel rules inside a network namespace it creates, which needs root.\n` +
          `Run: sudo npm start -- --proxy ${options.proxy}\nor leave out --proxy: the userspace proxy needs no root.`,
      );
    }
    if (!hasCommand(tool, ['--version']) || !hasCommand('ip', ['-V'])) {
      throw new BadRequestError(
        `--proxy ${options.proxy} needs ${tool} and ip (iproute2). Install them with: sudo bash scripts/setup-host.sh`,
      );
    }
  }
  if (options.runtime === 'docker') {
    let socket = true;
    try {
      accessSync('/var/run/docker.sock', constants.W_OK);
    } catch {
      socket = false;
    }
    if (!socket && !isRoot()) {
      throw new BadRequestError(
        '--runtime docker needs a Docker daemon: none answers on /var/run/docker.sock, and starting one needs root.\n' +
          'Run: sudo npm start -- --runtime docker   (it starts dockerd and builds the busybox image if needed)\n' +
          'or leave out --runtime to run simulated nodes.',
      );
    }
    if (!socket && !hasCommand('dockerd', ['--version'])) {
      throw new BadRequestError('--runtime docker needs dockerd. Install it with: sudo bash scripts/setup-host.sh');
    }
  }
}
