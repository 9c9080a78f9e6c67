import type { LogLine, LogOptions } from './messages.js';

/**
 * Applies `sinceMs` and `limitBytes` of `LogOptions` to a stream of lines,
 * the part of the kubelet's log options every runtime treats alike. The
 * byte count is each line's UTF-8 text plus its newline; the line that
 * crosses the limit is cut to fit, and the stream ends there (as the
 * kubelet's `limitBytes` cuts its output).
 */
export function logWindow(
  lines: AsyncIterable<LogLine>,
  options: Pick<LogOptions, 'sinceMs' | 'limitBytes'>,
): AsyncIterable<LogLine> {
  // Nothing to apply: the lines pass as they are, without a generator per line in between.
  if (options.sinceMs === undefined && options.limitBytes === undefined) return lines;
  return windowed(lines, options);
}

async function* windowed(
  lines: AsyncIterable<LogLine>,
  options: Pick<LogOptions, 'sinceMs' | 'limitBytes'>,
): AsyncIterable<LogLine> {
  let left = options.limitBytes ?? Number.POSITIVE_INFINITY;
  if (left <= 0) return;
  for await (const line of lines) {
    if (options.sinceMs !== undefined && (line.time ?? 0) < options.sinceMs) continue;
    const size = Buffer.byteLength(line.text) + 1;
    if (size <= left) {
      left -= size;
      yield line;
      if (left === 0) return;
      continue;
    }
    // Cut on a byte boundary; a partial trailing character decodes to U+FFFD, as a byte cut in Kubernetes would show.
    yield { ...line, text: Buffer.from(line.text).subarray(0, left).toString('utf8'), partial: true };
    return;
  }
}
