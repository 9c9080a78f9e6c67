import type protobuf from 'protobufjs';
import { descriptorRoot, messageTypeOf } from './descriptors.js';
import { jsonToMessage, messageToJson } from './proto-json.js';
import { ProtobufDecodeError } from './protobuf-error.js';

/** The content type of Kubernetes' protobuf encoding. */
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** The four bytes every Kubernetes protobuf body starts with: `k8s\0`. */
export const PROTOBUF_MAGIC = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

function unknownType(): protobuf.Type {
  return descriptorRoot().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
}

/** Runs a decoder, turning whatever protobufjs throws (a RangeError on hostile nesting included) into a typed error. */
function decodeAt<T>(path: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof ProtobufDecodeError) throw err;
    throw new ProtobufDecodeError(path, err instanceof Error ? err.message : String(err));
  }
}

/**
 * Decodes a `application/vnd.kubernetes.protobuf` request body into the
 * JSON object the same request would carry as `application/json`.
 *
 * The body is Kubernetes' envelope: the magic `k8s\0`, then a
 * `runtime.Unknown` whose `typeMeta` names the kind and whose `raw` holds the
 * typed message. Kinds decoded are those `kubectl create` and
 * `kubectl autoscale` send (`protobufKinds()`). Throws `ProtobufDecodeError`
 * (400) for a body without the magic, a compressed or unknown kind, bytes
 * that do not parse, or fields this server has no descriptor for (a message
 * whose re-encoding is shorter than what was sent): the client is then told
 * to send JSON instead of having fields dropped silently.
 */
export function decodeProtobufObject(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || !PROTOBUF_MAGIC.every((b, i) => body[i] === b))
    throw new ProtobufDecodeError('envelope', 'missing the k8s\\0 magic prefix');
  const envelope = decodeAt('Unknown', () => unknownType().decode(body.subarray(4))) as unknown as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Uint8Array;
    contentEncoding?: string;
  };
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  if (envelope.contentEncoding)
    throw new ProtobufDecodeError('Unknown.contentEncoding', 'compressed bodies are not served');
  const type = messageTypeOf(apiVersion, kind);
  if (!type)
    throw new ProtobufDecodeError('Unknown.typeMeta', `no protobuf decoding for ${apiVersion} ${kind}; send JSON`);
  const raw = envelope.raw ?? new Uint8Array();
  const where = `${apiVersion} ${kind}`;
  const message = decodeAt(where, () => type.decode(raw));
  if (decodeAt(where, () => type.encode(message).finish().length) !== raw.length)
    throw new ProtobufDecodeError(where, 'carries fields this server does not decode; send JSON');
  const json = decodeAt(where, () => messageToJson(message as unknown as Record<string, unknown>, type, kind));
  return { apiVersion, kind, ...(json as Record<string, unknown>) };
}

/**
 * Encodes a JSON object of a kind with a descriptor in Kubernetes' protobuf
 * envelope: the inverse of `decodeProtobufObject`, for tests and for clients
 * that want to send what kubectl sends.
 */
export function encodeProtobufObject(object: Record<string, unknown>): Uint8Array {
  const { apiVersion, kind, ...rest } = object;
  const type = messageTypeOf(String(apiVersion), String(kind));
  if (!type) throw new ProtobufDecodeError('typeMeta', `no protobuf encoding for ${apiVersion} ${kind}`);
  const raw = type.encode(type.fromObject(jsonToMessage(rest, type, String(kind)) as Record<string, unknown>)).finish();
  const envelope = unknownType().encode(
    unknownType().fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' }),
  );
  const body = envelope.finish();
  const out = new Uint8Array(PROTOBUF_MAGIC.length + body.length);
  out.set(PROTOBUF_MAGIC);
  out.set(body, PROTOBUF_MAGIC.length);
  return out;
}
