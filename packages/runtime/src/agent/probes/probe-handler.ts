import type { Container, ProbeHandler } from '@flotilla/core';
import type { NetworkProber, ProbeOutcome } from '../../cri/network-prober.js';
import type { RuntimeService } from '../../cri/services.js';

/** Where a probe or hook runs: the container, its pod IP, and how to reach them. */
export interface ProbeTarget {
  runtime: RuntimeService;
  network: NetworkProber;
  containerId: string;
  container: Container;
  podIP: string;
}

/** Resolves a probe port given by number or by the name of one of the container's ports. */
function resolvePort(port: number | string, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port)?.containerPort;
  return named ?? (/^\d+$/.test(port) ? Number(port) : undefined);
}

/** Runs one exec / httpGet / tcpSocket check (a probe attempt or a preStop hook) with a timeout. */
export async function runProbeHandler(
  handler: ProbeHandler,
  target: ProbeTarget,
  timeoutSeconds: number,
): Promise<ProbeOutcome> {
  const timeoutMs = timeoutSeconds * 1000;
  try {
    if (handler.exec) {
      const r = await target.runtime.execSync(target.containerId, handler.exec.command, timeoutSeconds);
      return r.exitCode === 0
        ? { success: true }
        : { success: false, message: `command exited with ${r.exitCode}: ${(r.stdout + r.stderr).trim()}` };
    }
    const port = handler.httpGet?.port ?? handler.tcpSocket?.port;
    const resolved = port === undefined ? undefined : resolvePort(port, target.container);
    if (resolved === undefined)
      return { success: false, message: `port ${String(port)} is not a number or a named container port` };
    if (handler.httpGet) {
      return await target.network.httpGet({
        host: handler.httpGet.host ?? target.podIP,
        port: resolved,
        path: handler.httpGet.path ?? '/',
        scheme: handler.httpGet.scheme ?? 'HTTP',
        headers: handler.httpGet.httpHeaders ?? [],
        timeoutMs,
      });
    }
    return await target.network.tcpSocket({ host: handler.tcpSocket?.host ?? target.podIP, port: resolved, timeoutMs });
  } catch (err) {
    return { success: false, message: err instanceof Error ? err.message : String(err) };
  }
}
