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

/** A client certificate and its key, PEM-encoded: a kubeconfig's `client-certificate-data` / `client-key-data`. */
export interface ClientCertificate {
  /** The certificate: subject CN is the user, each O one of its groups. */
  cert: string;
  /** Its private key (PKCS#8). */
  key: string;
}

/** Who a client certificate names, as Kubernetes' x509 authenticator reads it back. */
export interface ClientCertificateSubject {
  /** The user name (subject CN), e.g. `alice` or `system:node:node-1`. */
  user: string;
  /** Its groups (one subject O each), e.g. `system:nodes`. */
  groups?: readonly string[];
}

/** The WebCrypto type x509 takes: Node's `webcrypto` is one, typed apart from the DOM's. */
type X509Crypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;

const crypto = webcrypto as unknown as X509Crypto;
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
// Certificates start a minute in the past so a peer whose clock runs slightly behind accepts them.
const BACKDATE_MS = 60_000;

function pem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${base64}${base64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * DAY_MS) };
}

/**
 * A cluster certificate authority (ECDSA P-256) held in memory: it signs
 * the apiserver's serving certificate and the client certificates users
 * and node agents authenticate with (subject CN = user, O = groups, as
 * kube-apiserver's `--client-ca-file` authenticator reads them). Give
 * `caCert` to `ApiServer.listen({ clientCa })` to accept what it issues.
 * The key never leaves the process unless the caller writes `keyPem()`.
 */
export class ClusterCa {
  private constructor(
    private readonly certificate: x509.X509Certificate,
    private readonly keys: webcrypto.CryptoKeyPair,
  ) {}

  /** A fresh CA named `CN=<name>` (default `flotilla-ca`), valid for `days` (default 365). */
  static async generate(options: { name?: string; days?: number } = {}): Promise<ClusterCa> {
    const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
    const certificate = await x509.X509CertificateGenerator.createSelfSigned(
      {
        name: [{ CN: [options.name ?? 'flotilla-ca'] }],
        ...validity(options.days ?? 365),
        keys,
        signingAlgorithm: ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        ],
      },
      crypto,
    );
    return new ClusterCa(certificate, keys);
  }

  /** The CA certificate (PEM) that clients and servers trust. */
  get caCert(): string {
    return this.certificate.toString('pem');
  }

  /** The CA's private key (PKCS#8 PEM), for a caller that persists the CA. */
  async keyPem(): Promise<string> {
    return pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', this.keys.privateKey));
  }

  /**
   * A serving certificate for `hosts` (DNS names and IP addresses;
   * `localhost` and `127.0.0.1` always), for TLS `serverAuth` only.
   */
  async issueServingCertificate(hosts: readonly string[] = [], days = 365): Promise<ServingCertificate> {
    const names = [...new Set(['localhost', '127.0.0.1', ...hosts])].map((value) => ({
      type: isIP(value) ? ('ip' as const) : ('dns' as const),
      value,
    }));
    const issued = await this.issue([{ CN: ['flotilla-apiserver'] }], days, [
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
    ]);
    return { caCert: this.caCert, ...issued };
  }

  /**
   * A client certificate for a user or a node agent (for
   * `system:node:<name>` in `system:nodes`, the Node authorizer's
   * identity): subject CN = `user`, one O per group, for TLS `clientAuth`
   * only, so it cannot serve.
   */
  async issueClientCertificate(subject: ClientCertificateSubject, days = 365): Promise<ClientCertificate> {
    if (!subject.user) throw new TypeError('subject.user: a client certificate needs a user name (its CN)');
    const name = [{ CN: [subject.user] }, ...(subject.groups ?? []).map((group) => ({ O: [group] }))];
    return this.issue(name, days, [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]);
  }

  private async issue(subject: x509.JsonName, days: number, extensions: x509.Extension[]): Promise<ClientCertificate> {
    const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
    const serial = Buffer.from(crypto.getRandomValues(new Uint8Array(16)));
    // A positive serial: the leading bit clear.
    serial[0] = (serial[0] ?? 0) & 0x7f;
    const cert = await x509.X509CertificateGenerator.create(
      {
        serialNumber: serial.toString('hex'),
        subject,
        issuer: this.certificate.subject,
        ...validity(days),
        publicKey: keys.publicKey,
        signingKey: this.keys.privateKey,
        signingAlgorithm: ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          ...extensions,
          await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey, false, crypto),
        ],
      },
      crypto,
    );
    const key = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
    return { cert: cert.toString('pem'), key: pem('PRIVATE KEY', key) };
  }
}

/**
 * Generates a fresh CA and a serving certificate it signs for `hosts`,
 * valid for `days` (default 365). Nothing is written to disk: the caller
 * keeps the key, as kube-apiserver's self-signed bootstrap does. To also
 * issue client certificates, keep a `ClusterCa` instead.
 */
export async function generateServingCertificate(hosts: string[] = [], days = 365): Promise<ServingCertificate> {
  return (await ClusterCa.generate({ days })).issueServingCertificate(hosts, days);
}
