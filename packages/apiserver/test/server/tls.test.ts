import { request } from 'node:https';
import { Api, MemoryStore } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiServer, kubeconfigFor } from '../../src/index.js';

let server: ApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function getJson(url: string, ca: string | undefined): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS with a generated CA and serving certificate', () => {
  it('serves TLS that verifies against the CA it reports, and is refused without it', async () => {
    const store = new MemoryStore();
    server = new ApiServer({ api: new Api({ store }) });
    const info = await server.listen({ port: 0, tls: true });
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(info.caCert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(await getJson(`${info.url}/version`, info.caCert)).toMatchObject({ status: 200, body: { minor: '32' } });
    await expect(getJson(`${info.url}/version`, undefined)).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
  });

  it('the kubeconfig carries the CA inline for HTTPS, and insecure-skip-tls-verify only when asked for plain HTTP', () => {
    const https = kubeconfigFor({ server: { url: 'https://127.0.0.1:6443', caCert: 'PEM' }, namespace: 'dev' });
    expect(https).toContain(`certificate-authority-data: ${Buffer.from('PEM').toString('base64')}`);
    expect(https).toContain('namespace: "dev"');
    expect(https).toContain('current-context: "flotilla"');
    expect(https).not.toContain('insecure-skip-tls-verify');
    const http = kubeconfigFor({ server: { url: 'http://127.0.0.1:8080' }, insecureSkipTlsVerify: true, token: 't0k' });
    expect(http).toContain('insecure-skip-tls-verify: true');
    expect(http).toContain('token: "t0k"');
  });
});
