import { describe, expect, it } from 'vitest';
import { runScenario } from '../scenario.js';

describe('the etcd-cluster example, end to end', () => {
  it(
    'runs a Deployment written through one apiserver and read through the other, and completes a rollout after losing an apiserver and the leading controller manager',
    { timeout: 900_000 },
    async () => {
      // The proxier programs iptables in a network namespace: root only. Fail with the reason rather than skip.
      expect(process.getuid?.(), 'run as root: the proxier programs iptables in a network namespace').toBe(0);
      const narrated: string[] = [];
      const result = await runScenario((line) => narrated.push(line));

      expect(result.leaderBefore).toMatch(/^cm-[ab]$/);
      expect(result.leaderAfter).toMatch(/^cm-[ab]$/);
      expect(result.leaderAfter).not.toBe(result.leaderBefore);
      expect(result.readyBefore).toBe(3);
      expect(result.readyAfter).toBe(3);
      expect(result.imagesAfter).toEqual(['demo:v2']);
      expect(result.nodesAfter.every((n) => n === 'node-1' || n === 'node-2')).toBe(true);
      // Each process names its writes as Kubernetes' program of its role does.
      expect(result.managersAfter).toEqual(['kube-controller-manager', 'kubelet/status']);
      expect(result).toMatchObject({ proxiedEndpoints: 3, proxyMode: 'iptables' });
      expect(result.refusals).toEqual({
        'scheduler creates a Deployment': expect.stringMatching(
          /^ForbiddenError: .*"system:kube-scheduler" cannot create resource "deployments"/,
        ),
        'node-1 writes node-2': expect.stringMatching(
          /^ForbiddenError: .*"system:node:node-1" cannot patch resource "nodes"/,
        ),
        'an unknown token lists pods': expect.stringMatching(/^ForbiddenError: Unauthorized/),
      });
      expect(narrated).toContain(`${result.leaderAfter} took over`);
      expect(narrated.at(-1)).toBe('stopping every process, the load balancer and etcd');
    },
  );
});
