/**
 * The kubelet's `$(VAR)` references, as Kubernetes expands them in `env`
 * values and in a container's `command` and `args`:
 * - `$(NAME)` is replaced by the variable's value when NAME is defined and
 *   kept as written when it is not (so a typo shows in the process's argv);
 * - `$$` is an escaped `$` (so `$$(NAME)` yields the text `$(NAME)`);
 * - any other `$` (`$NAME`, `${NAME}`, `$?`, a trailing `$`, an unterminated
 *   `$(`) passes through unchanged: shell syntax is the shell's business;
 * - the expansion is one pass: a value that itself contains `$(OTHER)` is
 *   not expanded again.
 *
 * A single left-to-right scan, linear in the input, with no regular
 * expression to backtrack on hostile input.
 */
export function expandReferences(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  // The next `)` at or after the scan; found again only once the scan passes it, so that a
  // run of unterminated `$(` does not rescan the rest of the input for each one.
  let close = -2;
  for (let cursor = 0; cursor < input.length - 1; cursor++) {
    if (input.charCodeAt(cursor) !== DOLLAR) continue;
    out += input.slice(checkpoint, cursor);
    const next = input.charCodeAt(cursor + 1);
    if (next === DOLLAR) {
      out += '$';
      cursor += 1;
    } else if (next === OPEN) {
      if (close !== -1 && close < cursor + 2) close = input.indexOf(')', cursor + 2);
      if (close === -1) {
        // An unterminated reference is text; the scan goes on after its `$(`.
        out += '$(';
        cursor += 1;
      } else {
        const name = input.slice(cursor + 2, close);
        out += lookup(name) ?? `$(${name})`;
        cursor = close;
      }
    } else {
      out += input.slice(cursor, cursor + 2);
      cursor += 1;
    }
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

const DOLLAR = 0x24;
const OPEN = 0x28;

/**
 * A container's `command` and `args` with `$(VAR)` references expanded
 * against its final environment, as the kubelet does before it creates the
 * container (the image's own entrypoint is never expanded).
 */
export function expandCommandAndArgs(
  container: { command?: string[]; args?: string[] },
  envs: readonly { key: string; value: string }[],
): { command?: string[]; args?: string[] } {
  const defined = new Map(envs.map((kv) => [kv.key, kv.value]));
  const lookup = (name: string) => defined.get(name);
  return {
    command: container.command?.map((part) => expandReferences(part, lookup)),
    args: container.args?.map((part) => expandReferences(part, lookup)),
  };
}
