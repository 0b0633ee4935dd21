/**
 * Identity and access through app.inject, by user header: matched exactly, forged without the proxy token, sent
 * twice, with commas, 10 KB of text, blank, or unicode (as JavaScript text and as UTF-8 bytes on the wire).
 */
import type { WorkspacesBody } from '../support/restTypes';
import { CREDENTIALS, DAY, PROXY, listen, raw, sharedApp, usersOf } from './accessSupport';

const { app, get } = sharedApp();

describe('the user header', () => {
  const proxy = (user: string | string[]) => ({ authorization: `Bearer ${PROXY}`, 'x-grafana-user': user });

  it('is matched exactly: another case of the name is another user', async () => {
    expect((await get(DAY, proxy('Alice'))).statusCode).toBe(403);
    expect((await get(DAY, proxy('  alice  '))).statusCode).toBe(200);
  });

  it('a forged header without the proxy token is ignored, also beside the admin token', async () => {
    expect((await get(DAY, { 'x-grafana-user': 'alice' })).statusCode).toBe(401);
    // the admin stays the admin whatever the header says
    const r = await get('/api/v1/workspaces', { ...CREDENTIALS.admin, 'x-grafana-user': 'bob' });
    expect(r.json<WorkspacesBody>().count).toBe(4);
  });

  it('sent twice: 400 naming the header', async () => {
    const r = await get(DAY, proxy(['alice', 'bob']));
    expect(r.statusCode).toBe(400);
    expect(r.json<{ message: string }>().message).toBe('X-Grafana-User was sent 2 times; send it once');
    // the same user twice is still two headers
    expect((await get(DAY, proxy(['alice', 'alice']))).statusCode).toBe(400);
  });

  it('with a comma: 400 (it could be two users joined by a proxy)', async () => {
    const r = await get(DAY, proxy('alice,bob'));
    expect(r.statusCode).toBe(400);
    expect(r.json<{ message: string }>().message).toContain('must name one user');
    expect((await get(DAY, proxy('alice, bob'))).statusCode).toBe(400);
  });

  it('with 10 KB of text: 400 saying the limit, not a 431 or a 500', async () => {
    const r = await get(DAY, proxy('a'.repeat(10_240)));
    expect(r.statusCode).toBe(400);
    expect(r.json<{ message: string }>().message).toBe('X-Grafana-User is longer than 256 characters (10240)');
    expect(
      (
        await get(
          `/api/v1/usage?level=user&key=${'a'.repeat(256)}&from=2026-03-01&to=2026-03-02`,
          proxy('a'.repeat(256))
        )
      ).statusCode
    ).toBe(200);
  });

  it('blank: the proxy request is anonymous', async () => {
    expect((await get(DAY, proxy('   '))).statusCode).toBe(401);
    expect(
      new Set((await get('/api/v1/workspaces', proxy(''))).json<WorkspacesBody>().workspaces.map((w) => w.user))
    ).toEqual(new Set(['hidden']));
  });

  it('with unicode, as JavaScript text: the user is that name', async () => {
    const zoe = proxy('zoë');
    expect((await get(`/api/v1/usage/user/${encodeURIComponent('zoë')}/days/2026-03-01`, zoe)).statusCode).toBe(200);
    expect((await get(DAY, zoe)).statusCode).toBe(403);
    expect(usersOf((await get('/api/v1/workspaces', zoe)).json<WorkspacesBody>())).toEqual(['zoë']);
  });

  it('with unicode as UTF-8 bytes on the wire (as Grafana sends it): decoded to the same name', async () => {
    const port = await listen(app());
    const head = (user: Buffer) =>
      Buffer.concat([
        Buffer.from(
          `GET /api/v1/workspaces HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${PROXY}\r\nX-Grafana-User: `
        ),
        user,
        Buffer.from('\r\n\r\n'),
      ]);
    const body = await raw(port, head(Buffer.from('zoë', 'utf8')));
    expect(body).toContain('"user":"zoë"');
    expect(body).toContain('"count":1');
  });
});
