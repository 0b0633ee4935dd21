/**
 * Identity and access through app.inject, by route: what each kind of credential sees on each route (none, admin
 * token, proxy token with and without a user header, a user header without the proxy token).
 */
import type { IdleWasteBody, WorkspacesBody } from '../support/restTypes';
import { CREDENTIALS, type Credential, DAY, PROXY, appWith, sharedApp, usersOf } from './accessSupport';

const { get } = sharedApp();

describe('per-user routes with every kind of credential', () => {
  const PER_USER = [
    DAY,
    '/api/v1/usage?level=user&key=alice&from=2026-03-01&to=2026-03-02',
    '/api/v1/summary?level=user&key=alice&from=2026-03-01&to=2026-03-02',
    `/api/v1/heatmap?level=user&key=alice&year=2026`,
    '/api/v1/idle-waste?level=user&key=alice',
  ];
  const expected: Record<Credential, number> = {
    none: 401,
    admin: 200,
    'proxy+self': 200,
    'proxy+other': 403,
    'header only': 401,
    'proxy alone': 401,
  };
  for (const url of PER_USER) {
    it.each(Object.keys(expected) as Credential[])(`${url} with %s`, async (cred) => {
      const r = await get(url, CREDENTIALS[cred]);
      expect(r.statusCode).toBe(expected[cred]);
      if (r.statusCode === 401) expect(r.headers['www-authenticate']).toBe('Bearer');
      if (r.statusCode === 403)
        expect(r.json<{ message: string }>().message).toContain('"bob" may read only their own');
    });
  }

  it('aggregate levels answer everyone, without credentials too', async () => {
    for (const cred of Object.keys(CREDENTIALS) as Credential[]) {
      for (const url of [
        '/api/v1/usage?level=site&key=isis&from=2026-03-01&to=2026-03-02',
        '/api/v1/usage/project/IDAaaS/days/2026-03-01',
        '/api/v1/idle-waste?level=project&key=IDAaaS',
      ])
        expect((await get(url, CREDENTIALS[cred])).statusCode).toBe(200);
    }
  });

  it('a user named in server.auth.admins sees every user, through the proxy only', async () => {
    const carol = { authorization: `Bearer ${PROXY}`, 'x-grafana-user': 'carol' };
    expect((await get(DAY, carol)).statusCode).toBe(200);
    expect(usersOf((await get('/api/v1/workspaces', carol)).json<WorkspacesBody>())).toEqual([
      'alice',
      'bob',
      'carol',
      'zoë',
    ]);
    expect((await get(DAY, { 'x-grafana-user': 'carol' })).statusCode).toBe(401);
  });
});

describe('GET /api/v1/workspaces', () => {
  it('the admin sees every workspace with its user', async () => {
    const body = (await get('/api/v1/workspaces', CREDENTIALS.admin)).json<WorkspacesBody>();
    expect(usersOf(body)).toEqual(['alice', 'bob', 'carol', 'zoë']);
  });

  it('a user through the proxy sees only their own workspaces', async () => {
    const body = (await get('/api/v1/workspaces', CREDENTIALS['proxy+self'])).json<WorkspacesBody>();
    expect(body.count).toBe(1);
    expect(body.workspaces.map((w) => [w.host, w.user])).toEqual([['h-alice', 'alice']]);
    const bob = (await get('/api/v1/workspaces?site=isis', CREDENTIALS['proxy+other'])).json<WorkspacesBody>();
    expect(bob.workspaces).toEqual([]);
  });

  it.each(['none', 'header only', 'proxy alone'] as const)(
    'with %s: every workspace, each with user "hidden"',
    async (cred) => {
      const r = await get('/api/v1/workspaces', CREDENTIALS[cred]);
      expect(r.statusCode).toBe(200);
      const body = r.json<WorkspacesBody>();
      expect(body.count).toBe(4);
      expect(new Set(body.workspaces.map((w) => w.user))).toEqual(new Set(['hidden']));
      for (const name of ['alice', 'bob', 'carol', 'zoë']) expect(r.body).not.toContain(`"${name}"`);
    }
  );
});

describe('GET /metrics', () => {
  it('carries no user name by default, to any caller', async () => {
    for (const cred of ['none', 'admin'] as const) {
      const text = (await get('/metrics', CREDENTIALS[cred])).body;
      expect(text).toContain('ada_carbon_workspace_cpus{site="isis",project="IDAaaS",machine="Muon",host="h-alice"} 4');
      expect(text).not.toMatch(/\buser="/);
      for (const name of ['alice', 'bob', 'carol', 'zoë']) expect(text).not.toContain(`"${name}"`);
    }
  });

  it('names users with metrics.userLabel: true', async () => {
    const named = await appWith({}, { metrics: { userLabel: true } });
    try {
      expect((await named.inject({ url: '/metrics' })).body).toContain('host="h-alice",user="alice"}');
    } finally {
      await named.close();
    }
  });
});

describe('idle waste at a site level', () => {
  it('names only the rows the caller may see', async () => {
    const users = async (cred: Credential) =>
      (await get('/api/v1/idle-waste?level=site&key=isis', CREDENTIALS[cred]))
        .json<IdleWasteBody>()
        .idle_workspaces.map((w) => w.user)
        .sort();
    expect(await users('admin')).toEqual(['alice', 'carol', 'zoë']);
    expect(await users('proxy+self')).toEqual(['alice', null, null]);
    expect(await users('none')).toEqual([null, null, null]);
  });
});
