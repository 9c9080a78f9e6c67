// Sends `count` HTTP requests, each on a new connection, and prints one JSON
// line: how many answers came from each backend, which errors occurred, and
// how long the run took. Usage: node http-probe.mjs <host> <port> <count>
import { request } from 'node:http';

const [host, port, count] = process.argv.slice(2);
const counts = {};
const errors = {};
const once = () =>
  new Promise((resolve) => {
    const req = request({ host, port: Number(port), path: '/', agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => {
        const { name } = JSON.parse(body);
        counts[name] = (counts[name] ?? 0) + 1;
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err) => {
      errors[err.code ?? err.message] = (errors[err.code ?? err.message] ?? 0) + 1;
      resolve();
    });
    req.end();
  });
const started = performance.now();
for (let i = 0; i < Number(count); i++) await once();
console.log(JSON.stringify({ counts, errors, ms: performance.now() - started }));
