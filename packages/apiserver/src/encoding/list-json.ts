import type { KubeObject } from '@flotilla/core';
import { objectJson } from './object-json.js';

const COMMA = Buffer.from(',');
const END = Buffer.from(']}');

/**
 * A `<Kind>List` as JSON bytes, byte for byte what `JSON.stringify` makes
 * of `{ kind, apiVersion, metadata, items }`, with each item's text taken
 * from `objectJson` (cached for the store's shared objects) instead of
 * serializing the whole list.
 */
export function listJson(
  kind: string,
  apiVersion: string,
  items: readonly KubeObject[],
  resourceVersion: string,
  next?: string,
): Buffer {
  const metadata = next === undefined ? { resourceVersion } : { resourceVersion, continue: next };
  const head = `{"kind":${JSON.stringify(`${kind}List`)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(metadata)},"items":[`;
  const parts: Buffer[] = [Buffer.from(head)];
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(COMMA);
    parts.push(objectJson(items[i]!));
  }
  parts.push(END);
  return Buffer.concat(parts);
}
