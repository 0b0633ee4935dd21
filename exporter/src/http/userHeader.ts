// The user header a trusted proxy sends: exactly one, naming one user. Read from the raw header list because Node
// joins repeated headers with ", ", which would make two users look like one name with a comma.

/** Longest user name believed, in characters (Grafana logins and e-mail addresses fit well within it). */
export const MAX_USER_LENGTH = 256;

export type UserHeaderRead = { ok: true; user?: string } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Node hands header bytes over as latin1; a proxy such as Grafana (Go) sends UTF-8, so decode when they are UTF-8. */
function decoded(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u00ff]/.test(value)) return value; // already text (never from the wire)
  try {
    return utf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/** The user named by `header` in a raw header list: none when it is absent or blank, a reason when it cannot be one. */
export function readUserHeader(rawHeaders: readonly string[], header: string): UserHeaderRead {
  const wanted = header.toLowerCase();
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === wanted) values.push(rawHeaders[i + 1]!);
  }
  if (values.length === 0) return { ok: true };
  if (values.length > 1) return { ok: false, reason: `${header} was sent ${values.length} times; send it once` };
  const user = decoded(values[0]!).trim();
  if (user === '') return { ok: true };
  if (user.length > MAX_USER_LENGTH)
    return { ok: false, reason: `${header} is longer than ${MAX_USER_LENGTH} characters (${user.length})` };
  // a comma is how proxies join repeated headers (RFC 9110 5.3), so a name with one cannot be told from two users
  if (user.includes(',')) return { ok: false, reason: `${header} must name one user (it contains a comma)` };
  if (/\p{Cc}/u.test(user)) return { ok: false, reason: `${header} must not contain control characters` };
  return { ok: true, user };
}
