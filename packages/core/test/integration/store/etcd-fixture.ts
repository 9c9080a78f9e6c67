import { Etcd3 } from 'etcd3';
import { type EtcdHandle, startEtcd } from '../../../../../scripts/etcd.js';
import type { StoreFixture } from '../../../src/conformance/index.js';
import { EtcdStore } from '../../../src/index.js';

/**
 * One real etcd for a test file, and a fresh key prefix per store so tests
 * do not see each other's objects (revisions are shared, as they would be
 * between Kubernetes resources).
 */
export class EtcdFixture {
  private etcd: EtcdHandle | undefined;

  /** The running etcd (after `start`), for tests that kill or restart members. */
  get handle(): EtcdHandle {
    if (!this.etcd) throw new Error('EtcdFixture.start() must run first (in beforeAll)');
    return this.etcd;
  }
  private admin: Etcd3 | undefined;
  private stores = 0;

  async start(members: 1 | 3 = 1): Promise<EtcdHandle> {
    this.etcd = await startEtcd({ members });
    this.admin = new Etcd3({ hosts: this.etcd.endpoints });
    return this.etcd;
  }

  async stop(): Promise<void> {
    this.admin?.close();
    await this.etcd?.stop();
  }

  /** A store with its own prefix; `expireHistory` compacts etcd at the current revision. */
  async makeStore(): Promise<StoreFixture> {
    const etcd = this.etcd;
    const admin = this.admin;
    if (!etcd || !admin) throw new Error('EtcdFixture.start() must run first (in beforeAll)');
    const store = new EtcdStore({
      endpoints: etcd.endpoints,
      prefix: `/test-${process.pid}-${this.stores++}/registry`,
    });
    return {
      store,
      async expireHistory() {
        const revision = await store.currentRevision();
        await admin.kv.compact({ revision, physical: true });
      },
    };
  }
}
