import { describe, expect, it } from 'vitest';
import { runScenario } from '../scenario.js';

describe('the etcd-cluster example, end to end', () => {
  it('carries on after losing its leading controller manager and an etcd member', { timeout: 600_000 }, async () => {
    // Docker, network namespaces and iptables need root: fail with the reason rather than skip.
    expect(
      process.getuid?.(),
      'run as root: the example starts dockerd and programs iptables in a network namespace',
    ).toBe(0);
    const narrated: string[] = [];
    const result = await runScenario((line) => narrated.push(line));

    expect(result.leaderBefore).toMatch(/^cm-[ab]$/);
    expect(result.leaderAfter).toMatch(/^cm-[ab]$/);
    expect(result.leaderAfter).not.toBe(result.leaderBefore);
    expect(result.readyBefore).toBe(3);
    expect(result.readyAfter).toBe(5);
    expect(result.nodesAfter.every((n) => n === 'docker-node-1' || n === 'docker-node-2')).toBe(true);
    expect(result).toMatchObject({ proxiedEndpoints: 5, proxyMode: 'iptables' });
    expect(narrated).toContain(`${result.leaderAfter} took over`);
    expect(narrated.at(-1)).toBe('stopping every process, etcd and the containers');
  });
});
