/**
 * A child process for the FileStore crash test: opens the store in the
 * directory given as argv[2] and writes at full speed from 16 concurrent
 * writers (creates, updates, deletes of ConfigMaps, each writer owning its
 * keys) until it is killed. It prints one JSON line per write once the store
 * has acknowledged it: `{"type","name","revision","seq","size"}`. The object
 * content follows from name, seq and size (`writerContent`), so the test can
 * check it exactly.
 */
import { FileStore, type KubeObject } from '../../../src/index.js';
import { type AckedWrite, crashStoreOptions, writerContent, writerKey } from './file-store-crash-model.js';

const writers = 16;
const keysPerWriter = 8;

const store = await FileStore.open(process.argv[2], crashStoreOptions);
const { items } = await store.list('configmaps');
const revisions = new Map<string, string>(items.map((o) => [o.metadata.name, o.metadata.resourceVersion as string]));
let seq = Number((await store.currentRevision()) as string) * 1000;
process.stdout.write('ready\n');

async function writer(w: number): Promise<never> {
  for (;;) {
    const name = `w${w}-k${Math.floor(Math.random() * keysPerWriter)}`;
    const current = revisions.get(name);
    const mySeq = ++seq;
    const size = Math.floor(Math.random() * 3000);
    const object: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'default' },
      data: writerContent(name, mySeq, size),
    };
    let written: KubeObject;
    let type: AckedWrite['type'];
    if (current === undefined) {
      type = 'ADDED';
      written = await store.create(writerKey(name), object);
    } else if (Math.random() < 0.25) {
      type = 'DELETED';
      written = await store.delete(writerKey(name), current);
    } else {
      type = 'MODIFIED';
      written = await store.update(writerKey(name), object, current);
    }
    const revision = written.metadata.resourceVersion as string;
    if (type === 'DELETED') revisions.delete(name);
    else revisions.set(name, revision);
    const ack: AckedWrite = { type, name, revision: Number(revision), seq: mySeq, size };
    process.stdout.write(`${JSON.stringify(ack)}\n`);
  }
}

await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
