import type { LogLine } from '../cri/messages.js';

/**
 * Splits the RFC 3339 time Docker puts before each log line
 * (`2026-01-02T15:04:05.123456789Z text`, UTC, trailing zeros of the
 * fraction trimmed) from its text. Lines come many to a second, so the
 * seconds are parsed once per second seen and the milliseconds read off the
 * fraction.
 */
export class DockerTimestamps {
  private second = '';
  private secondMs = 0;

  /** The line's text without its time, and the time in ms (0 when the prefix is not a time). */
  split(line: LogLine): LogLine {
    const space = line.text.indexOf(' ');
    const stamp = space > 0 ? line.text.slice(0, space) : line.text;
    const text = space > 0 ? line.text.slice(space + 1) : '';
    const second = stamp.slice(0, 19);
    if (second !== this.second) {
      this.second = second;
      this.secondMs = Date.parse(`${second}Z`);
    }
    const fraction = stamp[19] === '.' ? stamp.slice(20, stamp.length - 1) : '';
    const ms = this.secondMs + (fraction ? Number(`${fraction}00`.slice(0, 3)) : 0);
    return { ...line, text, time: Number.isNaN(ms) ? 0 : ms };
  }
}
