import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpStatusError } from '../../src/errors/http-status-error.js';
import { BEARER_PROTOCOL_PREFIX, takeWebSocketBearerToken } from '../../src/node-proxy/websocket-bearer-token.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const request = (headers: IncomingMessage['headers']) => ({ headers: { ...headers } }) as IncomingMessage;

// The rules of kube-apiserver's WebSocket protocol authenticator (k8s.io/apiserver/pkg/authentication/request/websocket).
const accepted: [string, IncomingMessage['headers'], { authorization?: string; protocols?: string }][] = [
  ['no subprotocols at all: nothing to take', {}, {}],
  [
    'subprotocols without a token: left as they are',
    { 'sec-websocket-protocol': 'v5.channel.k8s.io' },
    { protocols: 'v5.channel.k8s.io' },
  ],
  [
    'a token beside the channel protocol: moved to Authorization, taken out of the offer',
    { 'sec-websocket-protocol': `v5.channel.k8s.io, ${BEARER_PROTOCOL_PREFIX}${b64('admin-token')}` },
    { authorization: 'Bearer admin-token', protocols: 'v5.channel.k8s.io' },
  ],
  [
    'a token first, two protocols after it',
    { 'sec-websocket-protocol': `${BEARER_PROTOCOL_PREFIX}${b64('t')},v5.channel.k8s.io,v4.channel.k8s.io` },
    { authorization: 'Bearer t', protocols: 'v5.channel.k8s.io, v4.channel.k8s.io' },
  ],
  [
    'an Authorization header already there wins',
    {
      authorization: 'Bearer header-token',
      'sec-websocket-protocol': `v5.channel.k8s.io, ${BEARER_PROTOCOL_PREFIX}${b64('protocol-token')}`,
    },
    { authorization: 'Bearer header-token', protocols: 'v5.channel.k8s.io' },
  ],
];

const refused: [string, string, string][] = [
  [
    'two tokens',
    `v5.channel.k8s.io, ${BEARER_PROTOCOL_PREFIX}${b64('a')}, ${BEARER_PROTOCOL_PREFIX}${b64('b')}`,
    'multiple',
  ],
  ['padded base64', `v5.channel.k8s.io, ${BEARER_PROTOCOL_PREFIX}${Buffer.from('ab').toString('base64')}`, 'encoding'],
  ['standard (not url) alphabet', `v5.channel.k8s.io, ${BEARER_PROTOCOL_PREFIX}a+b/`, 'encoding'],
  [
    'bytes that are not UTF-8',
    `v5.channel.k8s.io, ${BEARER_PROTOCOL_PREFIX}${Buffer.from([0xff, 0xfe]).toString('base64url')}`,
    'invalid base64.bearer.authorization token',
  ],
  ['the token alone, no protocol to speak', `${BEARER_PROTOCOL_PREFIX}${b64('t')}`, 'missing additional subprotocol'],
];

describe('a bearer token offered as a WebSocket subprotocol (what a browser can send)', () => {
  it.each(accepted)('%s', (_, headers, want) => {
    const req = request(headers);
    takeWebSocketBearerToken(req);
    expect(req.headers.authorization).toBe(want.authorization);
    expect(req.headers['sec-websocket-protocol']).toBe(want.protocols);
  });

  it.each(refused)('%s: 401, and the request is left as it came', (_, protocols, message) => {
    const req = request({ 'sec-websocket-protocol': protocols });
    let err: unknown;
    try {
      takeWebSocketBearerToken(req);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err).toMatchObject({ code: 401, reason: 'Unauthorized', message: expect.stringContaining(message) });
    expect(req.headers).toEqual({ 'sec-websocket-protocol': protocols });
  });
});
