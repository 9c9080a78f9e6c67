import { h } from './dom.js';

/** The most text an output keeps: older text is dropped from the top, as a terminal's scrollback. */
const MAX_CHARS = 512 * 1024;

/**
 * A live text output (a log, a shell's output): a `<pre role="log">` that
 * appends text as it arrives, keeps the view at the bottom while the viewer
 * has not scrolled up, and drops the oldest text past its scrollback.
 */
export class StreamOutput {
  readonly element: HTMLPreElement;

  constructor(label: string) {
    this.element = h('pre', { class: 'stream', role: 'log', 'aria-label': label, tabindex: 0 });
  }

  /** Appends text as it came. */
  append(text: string): void {
    if (!text) return;
    const el = this.element;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    el.append(text);
    if ((el.textContent ?? '').length > MAX_CHARS) el.textContent = (el.textContent ?? '').slice(-MAX_CHARS / 2);
    if (atBottom) el.scrollTop = el.scrollHeight;
  }

  /** A line of the dashboard's own (a session ended, a refusal), set apart from the stream's text. */
  note(text: string): void {
    this.element.append(h('span', { class: 'stream-note' }, `${text}\n`));
    this.element.scrollTop = this.element.scrollHeight;
  }
}
