import { afterAll, beforeAll, describe } from 'vitest';
import { describeStoreConformance } from '../../store/store-conformance.js';
import { EtcdFixture } from './etcd-fixture.js';

describe('EtcdStore on a real single-member etcd', () => {
  const etcd = new EtcdFixture();
  beforeAll(() => etcd.start(1));
  afterAll(() => etcd.stop());

  describeStoreConformance('EtcdStore', () => etcd.makeStore());
});
