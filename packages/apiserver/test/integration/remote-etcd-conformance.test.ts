import { EtcdStore } from '@flotilla/core';
import { afterAll, beforeAll } from 'vitest';
import { type EtcdHandle, startEtcd } from '../../../../scripts/etcd.js';
// The suite from core's sources, as the tests run against sources (the published entry is @flotilla/core/conformance).
import { describeResourceClientConformance } from '../../../core/src/conformance/index.js';
import { servedRemote } from '../remote/remote-fixture.js';

/** A real etcd for the file (started here, or the test fails loudly); a fresh key prefix per test. */
let etcd: EtcdHandle;
let stores = 0;
beforeAll(async () => {
  etcd = await startEtcd({ members: 1 });
});
afterAll(async () => {
  await etcd?.stop();
});

describeResourceClientConformance('RemoteApi -> ApiServer -> Api over EtcdStore', async () => {
  const store = new EtcdStore({ endpoints: etcd.endpoints, prefix: `/remote-${process.pid}-${stores++}/registry` });
  const served = await servedRemote({ store });
  return {
    api: served.remote,
    async dispose() {
      await served.close();
      await store.close();
    },
  };
});
