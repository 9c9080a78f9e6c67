import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

/** A PEM certificate and its PKCS#8 private key: what `https.createServer` takes. */
export interface KeyPair {
  cert: string;
  key: string;
}

type X509Crypto = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1];
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * A self-signed serving certificate for the node agent, as the kubelet makes
 * one when it is given none: subject `<nodeName>@<unix seconds>`, valid one
 * year, for `hosts` (the node's name and addresses). Clients verify it by
 * pinning this very certificate (it is its own CA).
 */
export async function selfSignedNodeCertificate(nodeName: string, hosts: string[], now: number): Promise<KeyPair> {
  const crypto = webcrypto as unknown as NonNullable<X509Crypto>;
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const names = [...new Set([nodeName, 'localhost', '127.0.0.1', ...hosts])].map((value) => ({
    type: isIP(value) ? ('ip' as const) : ('dns' as const),
    value,
  }));
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      // Commas and equals signs would change the distinguished name's structure.
      name: `CN=${nodeName.replace(/[,=+<>#;"\\]/g, '_')}@${Math.floor(now / 1000)}`,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 365 * 24 * 3600_000),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names),
      ],
    },
    crypto,
  );
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const key = `-----BEGIN PRIVATE KEY-----\n${der.replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem'), key };
}
