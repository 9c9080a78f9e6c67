import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * The cluster key pair service account tokens are signed and verified with
 * (kube-apiserver's `--service-account-signing-key-file` and
 * `--service-account-key-file`): RS256 or ES256, as Kubernetes accepts.
 * Node `KeyObject`s, which `jose` and other JWT libraries also take.
 */
export interface ServiceAccountSigningKey {
  alg: 'RS256' | 'ES256';
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The JWS `kid` header, so verifiers holding several keys pick the right one. */
  keyId?: string;
}

/** A fresh key pair (ES256 unless asked). Tokens verify only while it is kept: persist it for a real cluster. */
export async function generateServiceAccountSigningKey(
  alg: ServiceAccountSigningKey['alg'] = 'ES256',
): Promise<ServiceAccountSigningKey> {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { alg, privateKey, publicKey };
}

/** The key pair from PEM files' text (PKCS#8 private key, SPKI public key), as kube-apiserver reads them. */
export async function importServiceAccountSigningKey(
  alg: ServiceAccountSigningKey['alg'],
  privateKeyPem: string,
  publicKeyPem: string,
): Promise<ServiceAccountSigningKey> {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(publicKeyPem);
  const expected = alg === 'ES256' ? 'ec' : 'rsa';
  if (privateKey.asymmetricKeyType !== expected || publicKey.asymmetricKeyType !== expected) {
    throw new TypeError(`${alg} needs ${expected.toUpperCase()} keys; these are ${privateKey.asymmetricKeyType}`);
  }
  return { alg, privateKey, publicKey };
}
