import { type CryptoKey, generateKeyPair, importPKCS8, importSPKI, type KeyObject } from 'jose';

/**
 * The cluster key pair service account tokens are signed and verified with
 * (kube-apiserver's `--service-account-signing-key-file` and
 * `--service-account-key-file`): RS256 or ES256, as Kubernetes accepts.
 */
export interface ServiceAccountSigningKey {
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey | KeyObject;
  publicKey: CryptoKey | KeyObject;
  /** The JWS `kid` header, so verifiers holding several keys pick the right one. */
  keyId?: string;
}

/** A fresh key pair (ES256 unless asked). Tokens verify only while it is kept: persist it for a real cluster. */
export async function generateServiceAccountSigningKey(
  alg: ServiceAccountSigningKey['alg'] = 'ES256',
): Promise<ServiceAccountSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, privateKey, publicKey };
}

/** The key pair from PEM files' text (PKCS#8 private key, SPKI public key), as kube-apiserver reads them. */
export async function importServiceAccountSigningKey(
  alg: ServiceAccountSigningKey['alg'],
  privateKeyPem: string,
  publicKeyPem: string,
): Promise<ServiceAccountSigningKey> {
  return {
    alg,
    privateKey: await importPKCS8(privateKeyPem, alg),
    publicKey: await importSPKI(publicKeyPem, alg),
  };
}
