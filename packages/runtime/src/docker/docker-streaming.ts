import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '@flotilla/core';
import type Docker from 'dockerode';
import { RuntimeError } from '../cri/errors.js';
import type { ContainerStats } from '../cri/messages.js';
import type { AttachRequest, ExecRequest, PortStream, StatsStreamOptions, StreamSession } from '../cri/streaming.js';
import { toRuntimeError } from './docker-errors.js';
import { attachControl, DockerStreamSession, execControl } from './docker-session.js';
import { type DockerStatsSample, toCriUsage } from './docker-stats.js';

/** `docker exec` with hijacked streams: the streaming half of DockerRuntime's exec. */
export async function dockerExec(
  docker: Docker,
  clock: Clock,
  containerId: string,
  request: ExecRequest,
): Promise<StreamSession> {
  const tty = request.tty ?? false;
  const stdin = request.stdin ?? false;
  try {
    const exec = await docker.getContainer(containerId).exec({
      Cmd: request.cmd,
      AttachStdin: stdin,
      AttachStdout: request.stdout ?? true,
      AttachStderr: request.stderr ?? true,
      Tty: tty,
    });
    const socket = (await exec.start({ hijack: true, stdin, Tty: tty })) as Duplex;
    return new DockerStreamSession(
      socket,
      tty,
      stdin,
      execControl(exec, (ms) => clock.sleep(ms)),
    );
  } catch (err) {
    throw toRuntimeError(err, `exec in container ${containerId}`, 'Internal', { containerId });
  }
}

/** `docker attach` to a running container's main process. */
export async function dockerAttach(
  docker: Docker,
  containerId: string,
  request: AttachRequest,
): Promise<StreamSession> {
  const container = docker.getContainer(containerId);
  try {
    const info = await container.inspect();
    if (!info.State.Running) {
      throw new RuntimeError(
        'InvalidArgument',
        `container ${containerId} is not running; attach needs a running container`,
        {
          containerId,
        },
      );
    }
    const stdin = request.stdin ?? false;
    const socket = (await container.attach({
      stream: true,
      hijack: true,
      stdin,
      stdout: request.stdout ?? true,
      stderr: request.stderr ?? true,
    })) as unknown as Duplex;
    return new DockerStreamSession(socket, info.Config.Tty, stdin, attachControl(container));
  } catch (err) {
    throw toRuntimeError(err, `attach to container ${containerId}`, 'Internal', { containerId });
  }
}

/**
 * A TCP connection to `port` on the pod's IP: the host reaches pod IPs on
 * DockerRuntime's bridge network, and the pod IP belongs to the sandbox's
 * network namespace.
 */
export function tcpPortStream(ip: string, port: number, podSandboxId: string): Promise<PortStream> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: ip, port });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) =>
      reject(
        new RuntimeError('Unavailable', `port-forward to ${ip}:${port}: ${err.message}`, { podSandboxId, cause: err }),
      ),
    );
  });
}

/** `docker stats` streaming: one CRI sample per Docker sample (about one a second) until aborted or the container stops. */
export async function* dockerStatsStream(
  docker: Docker,
  clock: Clock,
  attributes: ContainerStats['attributes'],
  options: StatsStreamOptions,
): AsyncIterable<ContainerStats> {
  const stream = (await docker
    .getContainer(attributes.id)
    .stats({ stream: true })
    .catch((err: unknown) => {
      throw toRuntimeError(err, `stats of container ${attributes.id}`, 'Internal', { containerId: attributes.id });
    })) as unknown as NodeJS.ReadableStream & { destroy(): void };
  const abort = () => stream.destroy();
  options.signal?.addEventListener('abort', abort, { once: true });
  let pending = '';
  try {
    for await (const chunk of stream) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        yield { attributes, ...toCriUsage(JSON.parse(line) as DockerStatsSample, clock.now()) };
      }
    }
  } catch (err) {
    if (!options.signal?.aborted) throw toRuntimeError(err, `stats of container ${attributes.id}`, 'Internal');
  } finally {
    options.signal?.removeEventListener('abort', abort);
    stream.destroy();
  }
}
