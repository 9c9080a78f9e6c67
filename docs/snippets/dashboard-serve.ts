import { ApiServer } from '@flotilla/apiserver';
import { Api, MemoryStore } from '@flotilla/core';
import { serveDashboard } from '@flotilla/dashboard';

/** The dashboard in front of an API server: its page, and the API through the same origin. */
async function main() {
  const store = new MemoryStore();
  const api = new Api({ store });
  const server = new ApiServer({ api }); // anonymous + AlwaysAllow: for loopback only
  const { url: apiUrl } = await server.listen({ port: 0 });
  const dashboard = await serveDashboard({ apiServer: apiUrl });

  const page = await fetch(dashboard.url);
  const html = await page.text();
  // Everything outside /dashboard/ goes to the API server as sent, the viewer's token included.
  const origin = new URL(dashboard.url).origin;
  const nodes = (await (await fetch(`${origin}/api/v1/nodes`)).json()) as { kind: string; items: unknown[] };

  await dashboard.stop();
  await server.stop();
  await api.close();
  await store.close();
  console.log(`page answered ${page.status} (${page.headers.get('content-type')})`);
  console.log(`loads ${/src="([^"]+)"/.exec(html)?.[1]}`);
  console.log(`API through the dashboard's origin: ${nodes.kind} with ${nodes.items.length} items`);
}

main();
