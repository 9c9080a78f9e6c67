import { criAnnotations } from '../cri/labels.js';
import type { ContainerConfig, PodSandboxConfig } from '../cri/messages.js';
import type { ContainerScript, ScriptedRun } from './container-script.js';
import { type SimulatedCommand, simulateCommand } from './shell-command.js';

/** How one FakeRuntime container behaves: its image's script, and the run its command asks for when understood. */
export interface ContainerBehaviour {
  /** Listening ports, exec answers, usage and SIGTERM handling (and the runs when `command` is absent). */
  script: ContainerScript;
  /** The simulated run of the container's command, when FakeRuntime understood it. */
  command?: SimulatedCommand;
  /** The container's environment as its shell sees it (`HOSTNAME` = the pod's hostname): exec'd commands expand it too. */
  env: Record<string, string>;
}

/**
 * Decides what a container does, in this order:
 * 1. a command (`command` + `args`, or `args` alone, as for images with no
 *    entrypoint) that `simulateCommand` understands decides when the
 *    container exits, with what code and what it logs; the image's script
 *    still gives its ports, exec answers and usage;
 * 2. otherwise the image's script, when it has one;
 * 3. otherwise, with no command at all, the container is a long-running
 *    server accepting connections (HTTP 200) on the ports the pod declares
 *    for it (the kubelet's `io.kubernetes.container.ports` annotation);
 * 4. otherwise (a command not understood, no script) it runs until stopped.
 */
export function containerBehaviour(
  config: ContainerConfig,
  imageScript: ContainerScript | undefined,
  sandbox: PodSandboxConfig | undefined,
): ContainerBehaviour {
  const argv = [...(config.command ?? []), ...(config.args ?? [])];
  const env: Record<string, string> = { HOSTNAME: sandbox?.hostname ?? sandbox?.metadata.name ?? '' };
  for (const { key, value } of config.envs ?? []) env[key] = value;
  const command = simulateCommand(argv, env);
  const script = imageScript ?? (argv.length === 0 ? serverScript(config) : {});
  return command ? { script, command, env } : { script, env };
}

/** The run a script gives for restart `attempt`, in the shape of a simulated command. */
export function scriptedRun(
  script: ContainerScript,
  attempt: number,
): SimulatedCommand & Pick<ScriptedRun, 'oomKilled'> {
  const runs = script.runs;
  const run = runs && runs.length > 0 ? runs[Math.min(attempt, runs.length - 1)] : script;
  return {
    ...(run.runMs === undefined ? {} : { runMs: run.runMs }),
    exitCode: run.exitCode ?? 0,
    oomKilled: run.oomKilled ?? false,
    output: (run.logs ?? []).map((text) => ({ atMs: 0, stream: 'stdout' as const, text })),
  };
}

/** A server that answers on every TCP port the pod spec declares for the container. */
function serverScript(config: ContainerConfig): ContainerScript {
  const declared = config.annotations?.[criAnnotations.containerPorts];
  if (declared === undefined) return {};
  const ports = JSON.parse(declared) as { containerPort: number; protocol?: string }[];
  const listen: Record<number, number> = {};
  for (const port of ports) if ((port.protocol ?? 'TCP') === 'TCP') listen[port.containerPort] = 200;
  return { listen };
}
