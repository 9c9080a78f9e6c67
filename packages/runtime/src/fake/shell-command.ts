/**
 * What FakeRuntime makes of a container's `command` + `args`: the common
 * shell forms a manifest uses for short jobs and init steps, simulated on
 * the clock instead of executed.
 *
 * Understood (and nothing else):
 * - a program run directly: `sleep N`, `true`, `false`, `echo ...`
 *   (by name or by path, `/bin/sleep`);
 * - `sh -c SCRIPT` (also `bash`, `ash`, `dash`, any path, and `-ec` / `-ce`
 *   for errexit) where SCRIPT is a list of simple commands joined by `;`,
 *   newlines, `&&` and `||`, using the builtins `sleep`, `true`, `false`,
 *   `:`, `echo`, `exit [N]` and `exec CMD`; words may be quoted ('...',
 *   "...", backslash) and `$NAME`, `${NAME}` and `$?` expand (from the
 *   container's environment; an unset variable expands to nothing);
 *   `# comments` are skipped.
 *
 * Anything else (another program, a pipe, a redirection, a subshell, `if`,
 * globbing) makes the whole command "not understood": `simulateCommand`
 * returns `undefined`, and the runtime falls back to the image's script.
 */

/** One line the simulated command writes, at a time relative to its start. */
export interface SimulatedOutput {
  atMs: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** The simulated run of a command: when it exits, with what code, and what it prints. */
export interface SimulatedCommand {
  /** Time from start to exit; absent = it never exits by itself (`sleep infinity`). */
  runMs?: number;
  exitCode: number;
  output: SimulatedOutput[];
}

type WordPart = { text: string } | { variable: string };
type Word = WordPart[];
type Token = { word: Word } | { operator: ';' | '&&' | '||' };
interface AndOrList {
  commands: Word[][];
  operators: ('&&' | '||')[];
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);
const PROGRAMS = new Set(['sleep', 'true', 'false', 'echo']);
const SHELL_ONLY = new Set([':', 'exit', 'exec']);
const SLEEP_UNITS: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A command or script the simulator does not understand. */
class NotUnderstood extends Error {}

/**
 * The simulated run of `argv` (the container's command followed by its
 * args) with the container's environment, or `undefined` when the command
 * is empty or not understood (see the module comment for what is).
 */
export function simulateCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string>> = {},
): SimulatedCommand | undefined {
  if (argv.length === 0) return undefined;
  try {
    const program = basename(argv[0]);
    if (SHELLS.has(program)) {
      const flags = argv[1];
      if (flags !== '-c' && flags !== '-ec' && flags !== '-ce') return undefined;
      if (argv[2] === undefined) return undefined;
      return new Execution(env, flags !== '-c').runScript(parseScript(argv[2]));
    }
    if (!PROGRAMS.has(program)) return undefined;
    return new Execution(env, false).runProgram([program, ...argv.slice(1)]);
  } catch (err) {
    if (err instanceof NotUnderstood) return undefined;
    throw err;
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Signals the end of the script (`exit`, `exec`, errexit) from deep inside it. */
class ScriptExit {
  constructor(readonly code: number) {}
}

/** One simulated shell: a time cursor, the last status and what has been printed. */
class Execution {
  private elapsedMs = 0;
  private forever = false;
  private status = 0;
  private readonly output: SimulatedOutput[] = [];

  constructor(
    private readonly env: Readonly<Record<string, string>>,
    private readonly errexit: boolean,
  ) {}

  runProgram(words: string[]): SimulatedCommand {
    this.builtin(words, false);
    return this.result();
  }

  runScript(lists: AndOrList[]): SimulatedCommand {
    try {
      for (const list of lists) {
        const lastRan = this.runList(list);
        if (this.errexit && this.status !== 0 && lastRan) throw new ScriptExit(this.status);
        if (this.forever) break;
      }
    } catch (signal) {
      if (!(signal instanceof ScriptExit)) throw signal;
      this.status = signal.code;
    }
    return this.result();
  }

  /** Runs an and-or list; says whether its last command ran (errexit ignores failures before `&&`/`||`). */
  private runList(list: AndOrList): boolean {
    this.runCommand(list.commands[0]);
    let lastRan = list.commands.length === 1;
    for (let i = 1; i < list.commands.length && !this.forever; i++) {
      const runs = list.operators[i - 1] === '&&' ? this.status === 0 : this.status !== 0;
      if (runs) this.runCommand(list.commands[i]);
      lastRan = runs && i === list.commands.length - 1;
    }
    return lastRan;
  }

  private runCommand(words: Word[]): void {
    this.builtin(
      words.map((w) => this.expand(w)),
      true,
    );
  }

  private builtin(words: string[], inShell: boolean): void {
    const [name, ...args] = words;
    const program = basename(name);
    if (!PROGRAMS.has(program) && !(inShell && SHELL_ONLY.has(name))) throw new NotUnderstood();
    switch (program) {
      case 'true':
      case ':':
        this.status = 0;
        return;
      case 'false':
        this.status = 1;
        return;
      case 'echo':
        this.print('stdout', (args[0] === '-n' ? args.slice(1) : args).join(' '));
        this.status = 0;
        return;
      case 'sleep':
        this.sleep(args);
        return;
      case 'exit':
        throw new ScriptExit(args.length === 0 ? this.status : exitCodeOf(args[0]));
      default: // exec: the named builtin replaces the shell, so the script ends with its status
        if (args.length === 0) return;
        this.builtin(args, false);
        if (!this.forever) throw new ScriptExit(this.status);
    }
  }

  /** `sleep` as busybox and coreutils do it: the sum of its operands, each a number with an optional s/m/h/d unit. */
  private sleep(args: string[]): void {
    if (args.length === 0) {
      this.fail('sleep: missing operand');
      return;
    }
    let totalMs = 0;
    for (const arg of args) {
      if (arg === 'infinity' || arg === 'inf') {
        this.forever = true;
        return;
      }
      const match = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
      if (!match) {
        this.fail(`sleep: invalid time interval '${arg}'`);
        return;
      }
      totalMs += Number(match[1]) * SLEEP_UNITS[match[2]];
    }
    this.elapsedMs += Math.round(totalMs);
    this.status = 0;
  }

  private fail(message: string): void {
    this.print('stderr', message);
    this.status = 1;
  }

  private print(stream: SimulatedOutput['stream'], text: string): void {
    this.output.push({ atMs: this.elapsedMs, stream, text });
  }

  private expand(word: Word): string {
    return word
      .map((part) => {
        if ('text' in part) return part.text;
        return part.variable === '?' ? String(this.status) : (this.env[part.variable] ?? '');
      })
      .join('');
  }

  private result(): SimulatedCommand {
    const run: SimulatedCommand = { exitCode: this.status, output: this.output };
    if (!this.forever) run.runMs = this.elapsedMs;
    return run;
  }
}

/** `exit N` keeps the low 8 bits, as the shell does; a non-number is not something we simulate. */
function exitCodeOf(arg: string): number {
  if (!/^\d+$/.test(arg)) throw new NotUnderstood();
  return Number(arg) % 256;
}

/** Splits a script into and-or lists of simple commands. */
function parseScript(script: string): AndOrList[] {
  const lists: AndOrList[] = [];
  let list: AndOrList = { commands: [], operators: [] };
  let command: Word[] = [];
  const endCommand = () => {
    if (command.length === 0) throw new NotUnderstood(); // `&&` with nothing before it, or `;;`
    list.commands.push(command);
    command = [];
  };
  for (const token of tokenize(script)) {
    if ('word' in token) {
      command.push(token.word);
      continue;
    }
    if (token.operator === ';') {
      if (command.length === 0 && list.commands.length === 0) continue; // blank lines
      endCommand();
      lists.push(list);
      list = { commands: [], operators: [] };
    } else {
      endCommand();
      list.operators.push(token.operator);
    }
  }
  if (command.length > 0) endCommand();
  if (list.operators.length >= list.commands.length && list.commands.length > 0) throw new NotUnderstood();
  if (list.commands.length > 0) lists.push(list);
  return lists;
}

/** Characters that start shell syntax we do not simulate (pipes, redirections, subshells, globs, background jobs). */
const UNSUPPORTED = new Set(['|', '&', '>', '<', '(', ')', '`', '*', '?', '[', '{', '}']);

function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  let word: Word | undefined;
  const text = (t: string) => {
    word ??= [];
    const last = word[word.length - 1];
    if (last && 'text' in last) last.text += t;
    else word.push({ text: t });
  };
  const endWord = () => {
    if (word) tokens.push({ word });
    word = undefined;
  };
  let i = 0;
  /** Reads `$NAME`, `${NAME}` or `$?` at `i` (pointing at `$`). */
  const variable = () => {
    const rest = script.slice(i + 1);
    const match = /^(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|(\?))/.exec(rest);
    if (!match) {
      if (rest === '' || /^[\s"]/.test(rest)) {
        text('$');
        i += 1;
        return;
      }
      throw new NotUnderstood(); // $(...), $1, $$ and friends
    }
    word ??= [];
    word.push({ variable: match[1] ?? match[2] ?? match[3] });
    i += 1 + match[0].length;
  };
  while (i < script.length) {
    const c = script[i];
    if (c === '#' && word === undefined) {
      while (i < script.length && script[i] !== '\n') i++;
    } else if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '\n' || c === ';') {
      endWord();
      tokens.push({ operator: ';' });
      i++;
    } else if (script.startsWith('&&', i) || script.startsWith('||', i)) {
      endWord();
      tokens.push({ operator: script.slice(i, i + 2) as '&&' | '||' });
      i += 2;
    } else if (UNSUPPORTED.has(c)) {
      throw new NotUnderstood();
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) throw new NotUnderstood();
      text(script.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      text('');
      i++;
      while (script[i] !== '"') {
        if (i >= script.length || script[i] === '`') throw new NotUnderstood();
        if (script[i] === '$') variable();
        else if (script[i] === '\\' && '$`"\\\n'.includes(script[i + 1] ?? '')) {
          if (script[i + 1] !== '\n') text(script[i + 1]);
          i += 2;
        } else text(script[i++]);
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= script.length) throw new NotUnderstood();
      if (script[i + 1] !== '\n') text(script[i + 1]);
      i += 2;
    } else if (c === '$') {
      variable();
    } else {
      text(c);
      i++;
    }
  }
  endWord();
  return tokens;
}
