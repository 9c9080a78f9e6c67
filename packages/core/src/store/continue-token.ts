import { BadRequestError } from '../errors/api-errors.js';

/**
 * Where the next page of a list starts: the revision every page is read at,
 * and the last key the previous page returned. Backends choose their own key
 * form; callers only pass the encoded token back.
 */
export interface ContinuePosition {
  revision: number;
  lastKey: string;
}

/** Encodes a list position as the opaque `continue` token (base64 of JSON, like Kubernetes'). */
export function encodeContinueToken(position: ContinuePosition): string {
  return Buffer.from(JSON.stringify({ rv: position.revision, key: position.lastKey })).toString('base64url');
}

/** Decodes a token made by `encodeContinueToken`; a malformed one is a `BadRequestError`. */
export function decodeContinueToken(token: string): ContinuePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    typeof parsed === 'object' &&
    parsed !== null &&
    'rv' in parsed &&
    'key' in parsed &&
    Number.isSafeInteger(parsed.rv) &&
    typeof parsed.key === 'string'
  ) {
    return { revision: parsed.rv as number, lastKey: parsed.key };
  }
  throw new BadRequestError(
    `continue token "${token}" is malformed: pass back the token of the previous page unchanged, or list from the start`,
  );
}
