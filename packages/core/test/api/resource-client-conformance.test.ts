import { Api } from '../../src/api/api.js';
import { describeResourceClientConformance } from '../../src/conformance/index.js';
import { MemoryStore } from '../../src/store/memory-store.js';

describeResourceClientConformance('in-process Api over MemoryStore', async () => {
  const store = new MemoryStore();
  const api = new Api({ store });
  return {
    api,
    async dispose() {
      await api.close();
      await store.close();
    },
  };
});
