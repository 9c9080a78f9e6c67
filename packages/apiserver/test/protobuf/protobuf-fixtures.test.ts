import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeProtobufObject, encodeProtobufObject } from '../../src/protobuf/index.js';
import { kubectlCreateCommands } from './kubectl-create-commands.js';

const fixture = (file: string) => readFileSync(new URL(`./fixtures/${file}`, import.meta.url));

/** Go prints nil members as `null` (`creationTimestamp`, `rules`); JSON without them means the same. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

// Fixtures: the protobuf bodies kubectl 1.32 sent for each command
// (`--dry-run=server`), and what it prints for `--dry-run=client -o json`
// (the same object as kubectl encodes it to JSON). Regenerate with
// `npx tsx packages/apiserver/test/protobuf/capture-fixtures.ts`.
const withJson = kubectlCreateCommands.filter((c) => c.clientDryRun);

describe('decodeProtobufObject on the bodies kubectl really sends', () => {
  it.each(withJson)('kubectl $args.0 $args.1 $args.2: decodes to the JSON kubectl prints for it', ({ name }) => {
    const expected = withoutNulls(JSON.parse(fixture(`${name}.json`).toString('utf8')));
    expect(decodeProtobufObject(fixture(`${name}.pb`))).toEqual(expected);
  });

  it('kubectl create token: decodes the TokenRequest', () => {
    expect(decodeProtobufObject(fixture('token.pb'))).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { audiences: ['api'], expirationSeconds: 600 },
      status: { token: '' },
    });
  });

  it.each(withJson)('$name: encoding the JSON with the same descriptors decodes back to it', ({ name }) => {
    const expected = withoutNulls(JSON.parse(fixture(`${name}.json`).toString('utf8'))) as Record<string, unknown>;
    expect(decodeProtobufObject(encodeProtobufObject(expected))).toEqual(expected);
  });
});
