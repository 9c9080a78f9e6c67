import { ApiServer } from '@flotilla/apiserver';
import { Api, MemoryStore } from '@flotilla/core';

/** The Api served over HTTP: what kubectl and client libraries talk to. */
async function main() {
  const store = new MemoryStore();
  const api = new Api({ store });
  const server = new ApiServer({ api }); // anonymous + AlwaysAllow: for loopback only
  const { url } = await server.listen({ port: 0 }); // 127.0.0.1, a free port

  const version = (await (await fetch(`${url}/version`)).json()) as { gitVersion: string };
  const configMaps = `${url}/api/v1/namespaces/default/configmaps`;
  const created = await fetch(configMaps, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'greeting' },
      data: { hello: 'world' },
    }),
  });
  // What `kubectl get configmaps` asks for: a server-side Table.
  const table = (await (
    await fetch(configMaps, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } })
  ).json()) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  const missing = (await (await fetch(`${configMaps}/nope`)).json()) as {
    code: number;
    reason: string;
    message: string;
  };

  await server.stop();
  await api.close();
  await store.close();
  console.log(`server version: ${version.gitVersion}`);
  console.log(`create answered ${created.status}`);
  console.log(`columns: ${table.columnDefinitions.map((c) => c.name).join(', ')}`);
  console.log(`first row: ${table.rows[0].cells.slice(0, 2).join(' ')}`);
  console.log(`missing: ${missing.code} ${missing.reason}: ${missing.message}`);
}

main();
