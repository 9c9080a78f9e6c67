import { Api, MemoryStore } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { ApiServer } from '../../src/index.js';
import { send } from './served-api.js';

describe('ApiServer lifecycle: start(signal), ready, stop(), stopped', () => {
  it('start resolves once listening (ready too); aborting the signal stops it and stopped resolves', async () => {
    const store = new MemoryStore();
    const api = new Api({ store });
    const server = new ApiServer({ api, listen: { port: 0 } });
    const abort = new AbortController();
    const info = await server.start(abort.signal);
    expect(await server.ready).toBe(info);
    expect(server.info.url).toBe(info.url);
    expect((await send(info.url, 'GET', '/readyz')).text).toBe('ok');
    abort.abort();
    await server.stopped;
    await expect(send(info.url, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/);
    await server.stop(); // stopping again is a no-op
    await api.close();
    await store.close();
  });

  it('listen twice is an error; info before listening says to start first', async () => {
    const server = new ApiServer({ api: new Api({ store: new MemoryStore() }) });
    expect(() => server.info).toThrow(/not listening/);
    await server.listen({ port: 0 });
    await expect(server.listen({ port: 0 })).rejects.toThrow(/already listening/);
    await server.stop();
  });
});
