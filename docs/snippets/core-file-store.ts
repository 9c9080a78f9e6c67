import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, FileStore } from '@flotilla/core';

/** FileStore: objects kept in one directory survive the process (here: the store closed and opened again). */
async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-')); // for a real cluster: /var/lib/flotilla
  const store = await FileStore.open(dir); // or: await openStore(`file://${dir}`)
  const api = new Api({ store });
  await api.resource('ConfigMap').create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'default' },
    data: { color: 'blue' },
  });
  api.close();
  await store.close();

  const reopened = await FileStore.open(dir);
  const again = new Api({ store: reopened });
  const settings = await again.resource('ConfigMap').get('default', 'settings');
  console.log(`after reopening the directory: color=${settings.data?.color}`);
  again.close();
  await reopened.close();
  await rm(dir, { recursive: true, force: true });
}

main();
