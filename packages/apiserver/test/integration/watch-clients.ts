/**
 * A child process holding many watches for ten-thousand-watches.test.ts:
 * a process may hold only so many sockets, and the server's side of each
 * watch needs one too, so the clients live apart. Driven over IPC.
 */
import { request } from 'node:http';

type Command = { open: number; url: string; path: string } | { firstEvents: true } | { ends: true };

const firstEvents: Promise<string>[] = [];
const ends: Promise<void>[] = [];

function openWatch(url: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    let first: (line: string) => void = () => {};
    firstEvents.push(new Promise((r) => (first = r)));
    let end: () => void = () => {};
    ends.push(new Promise((r) => (end = r)));
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, path, agent: false }, (res) => {
      resolve(res.statusCode ?? 0);
      let buffered = '';
      res.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const newline = buffered.indexOf('\n');
        if (newline >= 0) first(buffered.slice(0, newline));
      });
      res.on('end', end);
      res.on('close', end);
    });
    req.on('error', () => {
      resolve(0);
      end();
    });
    req.end();
  });
}

process.on('message', async (command: Command) => {
  if ('open' in command) {
    const statuses: number[] = [];
    for (let i = 0; i < command.open; i += 500) {
      const batch = Math.min(500, command.open - i);
      statuses.push(...(await Promise.all(Array.from({ length: batch }, () => openWatch(command.url, command.path)))));
    }
    process.send?.({ statuses });
  } else if ('firstEvents' in command) {
    process.send?.({ lines: await Promise.all(firstEvents) });
  } else {
    await Promise.all(ends);
    process.send?.({ ended: ends.length });
    process.exit(0);
  }
});
process.send?.({ started: true });
