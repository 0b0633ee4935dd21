/**
 * Identity and access through app.inject: what each kind of credential sees on each route (none, admin token, proxy
 * token with and without a user header, a user header without the proxy token), and the faults: wrong, empty,
 * wrong-case and over-long tokens; user headers with unicode, commas, 10 KB of text, or sent twice.
 */
import net from 'node:net';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { ConfigError, redactConfig } from '../../src/config';
import { emptySnapshot, type TrackingSnapshot } from '../../src/tracking/snapshot';
import type { WorkspaceState } from '../../src/tracking/types';
import { testApp, testConfig } from '../support/app';
import type { IdleWasteBody, WorkspacesBody } from '../support/restTypes';

const ADMIN = 'admin-token-0123456789';
const PROXY = 'proxy-token-9876543210';
const DAY = '/api/v1/usage/user/alice/days/2026-03-01';

const ws = (id: string, user: string, site = 'isis'): WorkspaceState => ({
  id,
  job: 'node',
  instance: `${id}:9100`,
  site,
  project: site === 'isis' ? 'IDAaaS' : 'CDAaaS',
  machine: 'Muon',
  host: id,
  user,
  experiment: 'unknown',
  startedAtSeconds: 1_790_000_000,
  cpus: 4,
  firstSeenSeconds: 1_790_000_100,
  lastSeenSeconds: 1_790_003_600,
  lastBusyCpuSeconds: 0,
  lastIdleCpuSeconds: 0,
  busyCpuSecondsTotal: 10,
  idleCpuSecondsTotal: 14000,
  busyJoules: 120,
  idleJoules: 19296,
  busyGrams: 0.05,
  idleGrams: 0.75,
  fallbackGrams: 0,
  powerWatts: 6,
  idlePowerWatts: 5.8,
  idleRatio: 0.99,
  status: 'active',
  partial: false,
});

const SNAPSHOT: TrackingSnapshot = {
  ...emptySnapshot(),
  version: 7,
  generatedAtSeconds: 1_790_003_600,
  workspaces: [ws('h-alice', 'alice'), ws('h-bob', 'bob', 'clf'), ws('h-zoe', 'zoë'), ws('h-carol', 'carol')],
};

type Credential = 'none' | 'admin' | 'proxy+self' | 'proxy+other' | 'header only' | 'proxy alone';
const CREDENTIALS: Record<Credential, Record<string, string>> = {
  none: {},
  admin: { authorization: `Bearer ${ADMIN}` },
  'proxy+self': { authorization: `Bearer ${PROXY}`, 'x-grafana-user': 'alice' },
  'proxy+other': { authorization: `Bearer ${PROXY}`, 'x-grafana-user': 'bob' },
  'header only': { 'x-grafana-user': 'alice' },
  'proxy alone': { authorization: `Bearer ${PROXY}` },
};

async function appWith(auth: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<FastifyInstance> {
  const app = await testApp(
    testConfig({
      prometheus: { url: 'http://127.0.0.1:9', retries: 0 },
      server: { host: '127.0.0.1', port: 0, auth },
      ...extra,
    })
  );
  jest.spyOn(app.tracker, 'snapshot', 'get').mockReturnValue(SNAPSHOT);
  return app;
}

let app: FastifyInstance;
beforeAll(async () => {
  app = await appWith({ adminToken: ADMIN, proxyToken: PROXY, admins: ['carol'] });
});
afterAll(async () => {
  await app?.close();
});

const get = (url: string, headers: InjectOptions['headers'] = {}) => app.inject({ url, headers });
const usersOf = (body: WorkspacesBody) => body.workspaces.map((w) => w.user).sort();

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

describe('tokens', () => {
  it.each([
    ['wrong', `Bearer ${ADMIN.slice(0, -1)}x`],
    ['empty', 'Bearer '],
    ['only whitespace', 'Bearer     '],
    ['wrong in case', `Bearer ${ADMIN.toUpperCase()}`],
    ['too long (the token twice)', `Bearer ${ADMIN}${ADMIN}`],
    ['10 KB long', `Bearer ${'a'.repeat(10_240)}`],
    ['a prefix of the admin token', `Bearer ${ADMIN.slice(0, 8)}`],
    ['the proxy token in another case', `Bearer ${PROXY.toUpperCase()}`],
    ['another scheme', `Basic ${ADMIN}`],
  ])('a %s token is no credential: 401 on per-user routes, user names hidden', async (_name, authorization) => {
    expect((await get(DAY, { authorization, 'x-grafana-user': 'alice' })).statusCode).toBe(401);
    const body = (await get('/api/v1/workspaces', { authorization })).json<WorkspacesBody>();
    expect(new Set(body.workspaces.map((w) => w.user))).toEqual(new Set(['hidden']));
  });

  it('the scheme is case-insensitive and the token trimmed, as before', async () => {
    expect((await get(DAY, { authorization: `bearer   ${ADMIN} ` })).statusCode).toBe(200);
  });
});

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
    const port = await listen(app);
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

describe('the admin list', () => {
  it('is read at start: a changed list takes effect on restart (there is no reload)', async () => {
    const before = await appWith({ adminToken: ADMIN, proxyToken: PROXY, admins: ['alice'] });
    const after = await appWith({ adminToken: ADMIN, proxyToken: PROXY, admins: ['bob'] });
    try {
      const bobDay = '/api/v1/usage/user/bob/days/2026-03-01';
      const asAlice = CREDENTIALS['proxy+self'];
      expect((await before.inject({ url: bobDay, headers: asAlice })).statusCode).toBe(200);
      expect((await after.inject({ url: bobDay, headers: asAlice })).statusCode).toBe(403);
      expect((await after.inject({ url: DAY, headers: CREDENTIALS['proxy+other'] })).statusCode).toBe(200);
    } finally {
      await before.close();
      await after.close();
    }
  });
});

describe('configuration', () => {
  it('server.apiToken still works as the admin token, with a deprecation warning at start', async () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const old = await testApp(
      testConfig({ prometheus: { url: 'http://127.0.0.1:9', retries: 0 }, server: { apiToken: ADMIN } }),
      { logger: { level: 'warn', stream } }
    );
    expect(lines.join('')).toContain('server.apiToken is deprecated: set server.auth.adminToken');
    try {
      expect((await old.inject({ url: DAY, headers: CREDENTIALS.admin })).statusCode).toBe(200);
      expect((await old.inject({ url: DAY })).statusCode).toBe(401);
    } finally {
      await old.close();
    }
  });

  it('redacts both tokens when the config is printed', () => {
    const loaded = testConfig({ server: { auth: { adminToken: ADMIN, proxyToken: PROXY } } });
    const printed = JSON.stringify(redactConfig(loaded.config));
    expect(printed).not.toContain(ADMIN);
    expect(printed).not.toContain(PROXY);
    expect(loaded.secrets).toMatchObject({ apiToken: ADMIN, proxyToken: PROXY });
  });

  it.each([
    [{ adminToken: '          ' }, 'server.auth.adminToken', 'must not be blank (it is only whitespace)'],
    [{ proxyToken: '          ' }, 'server.auth.proxyToken', 'must not be blank (it is only whitespace)'],
    [{ proxyToken: ' proxy-token-1 ' }, 'server.auth.proxyToken', 'must not begin or end with whitespace'],
    [{ adminToken: ADMIN, proxyToken: ADMIN }, 'server.auth.proxyToken', 'must differ from the admin token'],
    [{ userHeader: 'Authorization' }, 'server.auth.userHeader', 'must not be Authorization (it carries the tokens)'],
    [{ proxyToken: 'x'.repeat(1025) }, 'server.auth.proxyToken', 'must NOT have more than 1024 characters'],
  ])('rejects %j', (auth, key, message) => {
    let issues: Array<{ key: string; message: string }> = [];
    try {
      testConfig({ server: { auth } });
    } catch (err) {
      if (err instanceof ConfigError) issues = err.issues.map((i) => ({ key: i.key, message: i.message }));
    }
    expect(issues).toContainEqual({ key, message });
  });
});

function listen(a: FastifyInstance): Promise<number> {
  return a.listen({ host: '127.0.0.1', port: 0 }).then(() => (a.server.address() as net.AddressInfo).port);
}

function raw(port: number, request: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, '127.0.0.1', () => s.end(request));
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('error', reject);
  });
}
