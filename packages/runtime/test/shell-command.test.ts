import { describe, expect, it } from 'vitest';
import { type SimulatedCommand, simulateCommand } from '../src/index.js';

const line = (atMs: number, text: string, stream: 'stdout' | 'stderr' = 'stdout') => ({ atMs, stream, text });
const sh = (script: string) => ['sh', '-c', script];

describe('simulateCommand: the command forms FakeRuntime simulates', () => {
  const understood: { name: string; argv: string[]; env?: Record<string, string>; run: SimulatedCommand }[] = [
    { name: 'sleep N', argv: ['sleep', '5'], run: { runMs: 5000, exitCode: 0, output: [] } },
    { name: 'sleep by path, fractional', argv: ['/bin/sleep', '0.5'], run: { runMs: 500, exitCode: 0, output: [] } },
    { name: 'sleep with units, summed', argv: ['sleep', '1m', '30s'], run: { runMs: 90_000, exitCode: 0, output: [] } },
    { name: 'sleep infinity never exits', argv: ['sleep', 'infinity'], run: { exitCode: 0, output: [] } },
    { name: 'true', argv: ['true'], run: { runMs: 0, exitCode: 0, output: [] } },
    { name: 'false', argv: ['false'], run: { runMs: 0, exitCode: 1, output: [] } },
    {
      name: 'echo',
      argv: ['echo', 'hello', 'world'],
      run: { runMs: 0, exitCode: 0, output: [line(0, 'hello world')] },
    },
    {
      name: 'sleep without operand fails',
      argv: ['sleep'],
      run: { runMs: 0, exitCode: 1, output: [line(0, 'sleep: missing operand', 'stderr')] },
    },
    {
      name: 'sh -c echo; exit N',
      argv: sh('echo hi; exit 3'),
      run: { runMs: 0, exitCode: 3, output: [line(0, 'hi')] },
    },
    {
      name: '/bin/sh -c with && and sleep: output at its time',
      argv: ['/bin/sh', '-c', 'echo start && sleep 2 && echo done'],
      run: { runMs: 2000, exitCode: 0, output: [line(0, 'start'), line(2000, 'done')] },
    },
    {
      name: '&& stops at a failure, the status is the failure',
      argv: sh('false && echo never'),
      run: { runMs: 0, exitCode: 1, output: [] },
    },
    {
      name: '|| runs on failure',
      argv: sh('false || echo recovered'),
      run: { runMs: 0, exitCode: 0, output: [line(0, 'recovered')] },
    },
    {
      name: 'exit without a number keeps the last status',
      argv: sh('false; exit'),
      run: { runMs: 0, exitCode: 1, output: [] },
    },
    { name: 'exit keeps the low 8 bits', argv: sh('exit 257'), run: { runMs: 0, exitCode: 1, output: [] } },
    {
      name: 'the script status is the last command',
      argv: sh('false\ntrue'),
      run: { runMs: 0, exitCode: 0, output: [] },
    },
    {
      name: 'errexit (-ec) stops at the first failure',
      argv: ['sh', '-ec', 'false; echo never'],
      run: { runMs: 0, exitCode: 1, output: [] },
    },
    {
      name: 'errexit ignores a failure before &&',
      argv: ['sh', '-ec', 'false && true; echo after'],
      run: { runMs: 0, exitCode: 0, output: [line(0, 'after')] },
    },
    {
      name: 'exec replaces the shell',
      argv: sh('echo a; exec sleep 1; echo never'),
      run: { runMs: 1000, exitCode: 0, output: [line(0, 'a')] },
    },
    {
      name: 'sleep infinity in a script never exits',
      argv: sh('echo ready; sleep infinity'),
      run: { exitCode: 0, output: [line(0, 'ready')] },
    },
    {
      name: 'quotes, comments and variables from the environment',
      argv: sh(`# greet\necho "hello from $HOSTNAME" 'and $NOT' \${GREETING}x "\\"q\\"" $UNSET; echo $?`),
      env: { HOSTNAME: 'pi-abc', GREETING: 'hey' },
      run: { runMs: 0, exitCode: 0, output: [line(0, 'hello from pi-abc and $NOT heyx "q" '), line(0, '0')] },
    },
    {
      name: 'the manifest form of the bundled pi Job',
      argv: sh('echo computing 1000 digits of pi && sleep 3'),
      run: { runMs: 3000, exitCode: 0, output: [line(0, 'computing 1000 digits of pi')] },
    },
    {
      name: 'args appended to the command',
      argv: ['sh', '-c', 'exit 4', 'ignored-$0'],
      run: { runMs: 0, exitCode: 4, output: [] },
    },
  ];
  it.each(understood)('$name', ({ argv, env, run }) => {
    expect(simulateCommand(argv, env)).toEqual(run);
  });

  const notUnderstood: { name: string; argv: string[] }[] = [
    { name: 'no command', argv: [] },
    { name: 'another program', argv: ['nginx', '-g', 'daemon off;'] },
    { name: 'exit is not a program', argv: ['exit', '1'] },
    { name: 'a server in a script', argv: sh('exec httpd -f -p 8080') },
    { name: 'a pipe', argv: sh('echo hi | tee /tmp/x') },
    { name: 'a redirection', argv: sh('echo hi > /tmp/x') },
    { name: 'a background job', argv: sh('sleep 1 &') },
    { name: 'command substitution', argv: sh('echo $(date)') },
    { name: 'a glob', argv: sh('echo *') },
    { name: 'an if', argv: sh('if true; then echo y; fi') },
    { name: 'an unterminated quote', argv: sh("echo 'oops") },
    { name: 'a dangling &&', argv: sh('echo a &&') },
    { name: 'sh without -c', argv: ['sh', 'script.sh'] },
    { name: 'exit with a word', argv: sh('exit nope') },
  ];
  it.each(notUnderstood)('not understood: $name', ({ argv }) => {
    expect(simulateCommand(argv)).toBeUndefined();
  });
});
