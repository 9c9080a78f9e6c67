import type { Pod } from '@flotilla/core';
import { ApiRefusal } from '../api/api-client.js';
import { KINDS, resourcePath } from '../api/resource-kinds.js';
import { openPanel } from '../ui/dialogs.js';
import { StreamOutput } from '../ui/stream-output.js';
import { containerPicker } from './container-picker.js';
import type { ViewContext } from './view-context.js';

/** How much of the log to show from before the dialog opened (`kubectl logs --tail`). */
const TAIL_LINES = 1000;

/**
 * `kubectl logs -f`: the container's last lines, then every line as it is
 * written, from `GET pods/<name>/log?follow=true` (the apiserver streams it
 * from the pod's node agent). Closing the dialog, or picking another
 * container, ends the stream; a refusal is shown as the server gave it.
 */
export function showLogs(ctx: ViewContext, pod: Pod): void {
  const { namespace = '', name } = pod.metadata;
  const output = new StreamOutput(`Log of pod ${namespace}/${name}`);
  let abort = new AbortController();
  const follow = async (container: string) => {
    abort.abort();
    const mine = new AbortController();
    abort = mine;
    output.element.replaceChildren();
    const query = new URLSearchParams({ container, follow: 'true', tailLines: String(TAIL_LINES) });
    try {
      const res = await ctx.client.openStream(
        `${resourcePath(KINDS.Pod, namespace, name, 'log')}?${query}`,
        mine.signal,
        'text/plain',
      );
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        output.append(decoder.decode(value, { stream: true }));
      }
      output.note(`— the log of ${container} ended —`);
    } catch (err) {
      if (mine.signal.aborted) return;
      output.note(err instanceof ApiRefusal ? err.describe() : `the log stream failed: ${String(err)}`);
    }
  };
  const { closed } = openPanel(`Logs of ${namespace}/${name}`, [
    containerPicker(pod, (c) => void follow(c)),
    output.element,
  ]);
  void closed.then(() => abort.abort());
  void follow(pod.spec.containers[0]?.name ?? '');
}
