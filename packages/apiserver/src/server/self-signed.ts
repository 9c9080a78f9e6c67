import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

/** A serving certificate and the CA that signed it, PEM-encoded: what HTTPS and a kubeconfig need. */
export interface ServingCertificate {
  /** The CA certificate clients trust (a kubeconfig's `certificate-authority-data`). */
  caCert: string;
  /** The server's certificate. */
  cert: string;
  /** The server's private key (PKCS#8). */
  key: string;
}

/** The WebCrypto type x509 takes: Node's `webcrypto` is one, typed apart from the DOM's. */
type X509Crypto = Parameters<typeof x509.X509CertificateGenerator.create>[1];

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

function pem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${base64}${base64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

/**
 * Generates a fresh CA and a serving certificate it signs for `hosts` (DNS
 * names and IP addresses; `localhost` and `127.0.0.1` always), ECDSA P-256,
 * valid for `days` (default 365). Nothing is written to disk: the caller
 * keeps the key, as kube-apiserver's self-signed bootstrap does.
 */
export async function generateServingCertificate(hosts: string[] = [], days = 365): Promise<ServingCertificate> {
  const crypto = webcrypto as unknown as NonNullable<X509Crypto>;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + days * DAY_MS);
  const caKeys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: 'CN=flotilla-ca',
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const names = [...new Set(['localhost', '127.0.0.1', ...hosts])].map((value) => ({
    type: isIP(value) ? ('ip' as const) : ('dns' as const),
    value,
  }));
  const cert = await x509.X509CertificateGenerator.create(
    {
      subject: 'CN=flotilla-apiserver',
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const key = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { caCert: ca.toString('pem'), cert: cert.toString('pem'), key: pem('PRIVATE KEY', key) };
}
