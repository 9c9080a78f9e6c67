import type { IncomingMessage } from 'node:http';
import { isReason } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { tokenFileAuthenticator } from '../../src/index.js';

const request = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as IncomingMessage;

describe('tokenFileAuthenticator (--token-auth-file)', () => {
  const file = [
    't1,alice,uid-1,"dev,ops"',
    '',
    't2,bob,uid-2',
    't3,carol,,system:masters',
    '"t,4",dave,uid-4,"a ""quoted"" group"',
  ].join('\n');
  const authenticator = tokenFileAuthenticator(file);

  it.each([
    [
      'a listed token with groups',
      'Bearer t1',
      { username: 'alice', uid: 'uid-1', groups: ['dev', 'ops', 'system:authenticated'] },
    ],
    ['a listed token without groups', 'Bearer t2', { username: 'bob', uid: 'uid-2', groups: ['system:authenticated'] }],
    ['a record without uid', 'bearer t3', { username: 'carol', groups: ['system:masters', 'system:authenticated'] }],
    [
      'a quoted token',
      'Bearer t,4',
      { username: 'dave', uid: 'uid-4', groups: ['a "quoted" group', 'system:authenticated'] },
    ],
    ['an unknown token', 'Bearer nope', undefined],
    ['another scheme', 'Basic dDE6', undefined],
    ['no Authorization header', undefined, undefined],
  ])('%s', (_, header, user) => {
    expect(authenticator.authenticate(request(header))).toEqual(user);
  });

  it('reads quoted fields with commas and doubled quotes', () => {
    const quoted = tokenFileAuthenticator('tok,"dave, jr",uid-4,"a ""quoted"" group,b"');
    expect(quoted.authenticate(request('Bearer tok'))).toEqual({
      username: 'dave, jr',
      uid: 'uid-4',
      groups: ['a "quoted" group', 'b', 'system:authenticated'],
    });
  });

  it.each([
    ['a record without a user', 'tok', 'line 1[1]'],
    ['a record without a token', 'ok,u\n,user', 'line 2[0]'],
  ])('refuses %s, naming the line', (_, text, field) => {
    try {
      tokenFileAuthenticator(text);
      expect.unreachable();
    } catch (err) {
      expect(isReason(err, 'Invalid')).toBe(true);
      expect((err as { fields: { field: string }[] }).fields[0]?.field).toBe(field);
    }
  });
});
