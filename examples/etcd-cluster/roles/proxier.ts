import { spawn } from 'node:child_process';
import { InformerFactory } from '@flotilla/core';
import {
  type Applier,
  followProxyState,
  IptablesApplier,
  type IptablesRules,
  inNetworkNamespace,
  Proxier,
  UserspaceProxy,
} from '@flotilla/netproxy';
import type { RoleContext } from './role-context.js';

/** Runs `ip` with an argument array; rejects with its stderr. */
function ip(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ip ${args.join(' ')}: ${stderr.trim()}`))));
  });
}

/** A DNAT rule of kube-proxy's layout names its service port in the comment: one rule per endpoint. */
const dnatRule = /--comment "([^"]+)".*-j DNAT/;

/**
 * Applies the rules and reads them back from the kernel, reporting how many
 * DNAT rules (one per endpoint) each service port has in the namespace.
 */
function reportingApplier(ctx: RoleContext, namespace: string): Applier<IptablesRules> {
  const runner = inNetworkNamespace(namespace);
  const inner = new IptablesApplier({ backend: 'legacy', runner });
  return {
    async apply(rules) {
      await inner.apply(rules);
      const saved = await runner('iptables-legacy-save', ['-t', 'nat']);
      const endpoints: Record<string, number> = {};
      for (const line of saved.stdout.split('\n')) {
        const port = dnatRule.exec(line)?.[1];
        if (port) endpoints[port] = (endpoints[port] ?? 0) + 1;
      }
      ctx.report({ event: 'rules', mode: 'iptables', endpoints });
    },
  };
}

/**
 * kube-proxy. As root it programs iptables in a network namespace of its
 * own (created here, deleted on exit), leaving the host's tables alone;
 * otherwise it runs the userspace proxy on loopback.
 */
export async function runProxier(ctx: RoleContext): Promise<void> {
  const { api, clock, logger, name, signal } = ctx;
  const informers = new InformerFactory(api, { clock, logger });
  const node = { nodeName: name, nodeIPs: ['198.18.0.1'] };
  if (process.getuid?.() === 0) {
    const namespace = `flotilla-etcd-${process.pid}`;
    await ip(['netns', 'add', namespace]);
    try {
      const proxier = new Proxier({
        mode: 'iptables',
        applier: reportingApplier(ctx, namespace),
        informers,
        clock,
        logger,
        ...node,
      });
      informers.start(signal);
      await proxier.start(signal);
      ctx.report({ event: 'ready' });
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    } finally {
      await ip(['netns', 'del', namespace]);
    }
    return;
  }
  const proxy = new UserspaceProxy({ clock, logger });
  const following = followProxyState({ informers, node, clock, logger }, async (state) => {
    await proxy.update(state);
    const endpoints = Object.fromEntries(state.servicePorts.map((p) => [p.name, p.clusterEndpoints.length]));
    ctx.report({ event: 'rules', mode: 'userspace', endpoints });
  });
  informers.start(signal);
  ctx.report({ event: 'ready' });
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  following.stop();
  await proxy.stop();
}
