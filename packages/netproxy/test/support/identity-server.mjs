// A backend "pod" for data-plane tests: answers every HTTP request with its
// name and the client address it saw, then closes the connection.
// Usage: node identity-server.mjs <name> <port>
import { createServer } from 'node:http';

const [name, port] = process.argv.slice(2);
const server = createServer((req, res) => {
  res.setHeader('connection', 'close');
  res.end(JSON.stringify({ name, client: req.socket.remoteAddress }));
});
server.listen(Number(port), '0.0.0.0', () => console.log('ready'));
