import type { Pod } from '@flotilla/core';
import { ApiRefusal } from '../api/api-client.js';
import { KINDS, resourcePath } from '../api/resource-kinds.js';
import { CHANNEL, channelFrame, closeStdinFrame, EXEC_PROTOCOL, exitOf, splitFrame } from '../model/exec-channels.js';
import { openPanel } from '../ui/dialogs.js';
import { h } from '../ui/dom.js';
import { StreamOutput } from '../ui/stream-output.js';
import { containerPicker } from './container-picker.js';
import type { ViewContext } from './view-context.js';

/** The program the shell runs: what `kubectl exec -it <pod> -- sh` runs. */
const SHELL = 'sh';

/**
 * A browser hides why a WebSocket upgrade was refused (the page sees only
 * close code 1006), so the page asks the server itself, as `kubectl auth
 * can-i create pods/exec` does, and shows its answer.
 */
async function explainRefusal(ctx: ViewContext, output: StreamOutput, namespace: string, name: string): Promise<void> {
  try {
    const review = await ctx.actions.canI({ verb: 'create', resource: 'pods', subresource: 'exec', namespace, name });
    if (review.allowed) return;
    output.note(
      `the server does not allow you to create pods/exec in namespace ${namespace}${review.reason ? `: ${review.reason}` : ''}`,
    );
  } catch (err) {
    output.note(`could not ask the server why: ${err instanceof ApiRefusal ? err.describe() : String(err)}`);
  }
}

/**
 * A line-mode shell in the pod (`kubectl exec -i <pod> -- sh`, without a
 * TTY): `sh` runs in the container over `pods/exec` on a WebSocket
 * (`v5.channel.k8s.io`); each line typed is sent to its stdin on Enter, its
 * stdout and stderr are shown as they come, and its exit status when it
 * ends. "End input" (or Ctrl-D on an empty line) closes stdin, as Ctrl-D
 * does in a terminal. Closing the dialog closes the session, and the agent
 * kills the process.
 */
export function showShell(ctx: ViewContext, pod: Pod): void {
  const { namespace = '', name } = pod.metadata;
  const output = new StreamOutput(`Shell output of pod ${namespace}/${name}`);
  const line = h('input', {
    type: 'text',
    name: 'line',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-label': 'Command line',
  });
  const endInput = h('button', { type: 'button' }, 'End input');
  const form = h('form', { class: 'shell-input' }, h('span', { 'aria-hidden': 'true' }, '$ '), line, endInput);
  const encoder = new TextEncoder();
  let socket: WebSocket | undefined;

  const connect = (container: string) => {
    socket?.close();
    output.element.replaceChildren();
    const query = new URLSearchParams({ container, command: SHELL, stdin: 'true', stdout: 'true', stderr: 'true' });
    const ws = ctx.client.webSocket(`${resourcePath(KINDS.Pod, namespace, name, 'exec')}?${query}`, [EXEC_PROTOCOL]);
    socket = ws;
    const decoders = new Map<number, TextDecoder>();
    let ended = false;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      output.note(`connected: ${SHELL} in ${namespace}/${name}, container ${container}`);
      line.focus();
    });
    ws.addEventListener('message', (event) => {
      const frame = splitFrame(new Uint8Array(event.data as ArrayBuffer));
      if (!frame) return;
      if (frame.channel === CHANNEL.error) {
        ended = true;
        const exit = exitOf(new TextDecoder().decode(frame.data));
        output.note('exitCode' in exit ? `${SHELL} exited with status ${exit.exitCode}` : exit.failure);
        return;
      }
      const decoder = decoders.get(frame.channel) ?? new TextDecoder();
      decoders.set(frame.channel, decoder);
      output.append(decoder.decode(frame.data, { stream: true }));
    });
    ws.addEventListener('close', (event) => {
      if (socket !== ws) return;
      line.disabled = endInput.disabled = true;
      if (ended) return;
      output.note(`the session closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`);
      if (!opened) void explainRefusal(ctx, output, namespace, name);
    });
    line.disabled = endInput.disabled = false;
  };

  const send = (frame: Uint8Array) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    output.append(`$ ${line.value}\n`);
    send(channelFrame(CHANNEL.stdin, encoder.encode(`${line.value}\n`)));
    line.value = '';
  });
  const closeInput = () => {
    send(closeStdinFrame());
    line.disabled = endInput.disabled = true;
  };
  endInput.addEventListener('click', closeInput);
  line.addEventListener('keydown', (event) => {
    if (event.key === 'd' && event.ctrlKey && line.value === '') {
      event.preventDefault();
      closeInput();
    }
  });

  const { closed } = openPanel(`Shell in ${namespace}/${name}`, [containerPicker(pod, connect), output.element, form]);
  void closed.then(() => {
    const ws = socket;
    socket = undefined;
    ws?.close();
  });
  connect(pod.spec.containers[0]?.name ?? '');
}
