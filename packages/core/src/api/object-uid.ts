import { randomUUID } from 'node:crypto';
import { flatAscii } from '../json/flat-ascii.js';

/** A new `metadata.uid` (an RFC 4122 version 4 UUID), as one flat string: the store keeps one per object. */
export function newObjectUid(): string {
  return flatAscii(randomUUID());
}
