import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ClusterCa } from '../../src/index.js';

const ca = await ClusterCa.generate({ name: 'test-ca' });
const caCert = new X509Certificate(ca.caCert);

describe('ClusterCa', () => {
  it.each([
    { who: 'a user', subject: { user: 'alice' }, names: 'CN=alice' },
    {
      who: 'a user in groups',
      subject: { user: 'erin', groups: ['editors', 'team-b'] },
      names: 'CN=erin\nO=editors\nO=team-b',
    },
    {
      who: 'a node agent',
      subject: { user: 'system:node:node-1', groups: ['system:nodes'] },
      names: 'CN=system:node:node-1\nO=system:nodes',
    },
  ])('issues $who a client certificate: CN = user, one O per group, signed by the CA, for clientAuth only', async ({
    subject,
    names,
  }) => {
    const issued = new X509Certificate((await ca.issueClientCertificate(subject)).cert);
    expect(issued.subject).toBe(names);
    expect(issued.verify(caCert.publicKey)).toBe(true);
    expect(issued.checkIssued(caCert)).toBe(true);
    expect(issued.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(issued.ca).toBe(false);
  });

  it('issues a serving certificate for its hosts plus localhost and 127.0.0.1, for serverAuth only', async () => {
    const serving = await ca.issueServingCertificate(['api.example', '10.0.0.1']);
    const cert = new X509Certificate(serving.cert);
    expect(serving.caCert).toBe(ca.caCert);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, DNS:api.example, IP Address:10.0.0.1');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('is a CA that signs, and keeps its key unless asked for it', async () => {
    expect([caCert.ca, caCert.subject]).toEqual([true, 'CN=test-ca']);
    expect(await ca.keyPem()).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('refuses a certificate without a user, naming the field', async () => {
    await expect(ca.issueClientCertificate({ user: '' })).rejects.toThrow(/^subject\.user: /);
  });
});
