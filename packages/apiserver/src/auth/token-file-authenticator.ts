import type { IncomingMessage } from 'node:http';
import { InvalidError, type UserInfo } from '@flotilla/core';
import type { Authenticator } from './types.js';

const AUTHENTICATED = 'system:authenticated';

/** Splits one CSV record: commas separate fields, `"..."` quotes a field (`""` is a quote inside it). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** The bearer token of a request's `Authorization` header, if it has one. */
function bearerTokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * kube-apiserver's static token file (`--token-auth-file`): one
 * `token,user,uid,"group1,group2"` record per line (the groups column is
 * optional). A request whose bearer token is listed is that user, also in
 * `system:authenticated`; any other request is passed on (`undefined`), so
 * another authenticator may know it.
 *
 * @throws InvalidError naming the line of a record without token or user name.
 */
export function tokenFileAuthenticator(csv: string): Authenticator {
  const users = new Map<string, UserInfo>();
  csv.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const [token = '', username = '', uid = '', groups = ''] = csvFields(line).map((f) => f.trim());
    const at = `line ${i + 1}`;
    if (!token) throw new InvalidError('token file', at, [{ field: `${at}[0]`, message: 'Required value: token' }]);
    if (!username)
      throw new InvalidError('token file', at, [{ field: `${at}[1]`, message: 'Required value: user name' }]);
    const listed = groups
      ? groups
          .split(',')
          .map((g) => g.trim())
          .filter(Boolean)
      : [];
    users.set(token, {
      username,
      ...(uid ? { uid } : {}),
      groups: listed.includes(AUTHENTICATED) ? listed : [...listed, AUTHENTICATED],
    });
  });
  return {
    authenticate(req) {
      const token = bearerTokenOf(req);
      return token === undefined ? undefined : users.get(token);
    },
  };
}
