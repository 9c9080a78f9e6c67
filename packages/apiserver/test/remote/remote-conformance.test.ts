// The suite from core's sources, as the tests run against sources (the published entry is @flotilla/core/conformance).
import { describeResourceClientConformance } from '../../../core/src/conformance/index.js';
import { servedRemote } from './remote-fixture.js';

describeResourceClientConformance('RemoteApi -> ApiServer -> Api over MemoryStore', async () => {
  const served = await servedRemote();
  return { api: served.remote, dispose: () => served.close() };
});
