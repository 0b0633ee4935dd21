/**
 * Shared setup for the access tests (access.*.test.ts): the tokens, a snapshot of four workspaces, the credentials
 * each test sends, and an app whose tracker answers with that snapshot.
 */
import net from 'node:net';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { emptySnapshot, type TrackingSnapshot } from '../../src/tracking/snapshot';
import type { WorkspaceState } from '../../src/tracking/types';
import { testApp, testConfig } from '../support/app';
import type { WorkspacesBody } from '../support/restTypes';

export const ADMIN = 'admin-token-0123456789';
export const PROXY = 'proxy-token-9876543210';
export const DAY = '/api/v1/usage/user/alice/days/2026-03-01';

export const ws = (id: string, user: string, site = 'isis'): WorkspaceState => ({
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

export type Credential = 'none' | 'admin' | 'proxy+self' | 'proxy+other' | 'header only' | 'proxy alone';
export const CREDENTIALS: Record<Credential, Record<string, string>> = {
  none: {},
  admin: { authorization: `Bearer ${ADMIN}` },
  'proxy+self': { authorization: `Bearer ${PROXY}`, 'x-grafana-user': 'alice' },
  'proxy+other': { authorization: `Bearer ${PROXY}`, 'x-grafana-user': 'bob' },
  'header only': { 'x-grafana-user': 'alice' },
  'proxy alone': { authorization: `Bearer ${PROXY}` },
};

export async function appWith(
  auth: Record<string, unknown>,
  extra: Record<string, unknown> = {}
): Promise<FastifyInstance> {
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

/** One app per test file, with both tokens and carol as an admin; `get` injects into it. */
export function sharedApp() {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await appWith({ adminToken: ADMIN, proxyToken: PROXY, admins: ['carol'] });
  });
  afterAll(async () => {
    await app?.close();
  });
  const get = (url: string, headers: InjectOptions['headers'] = {}) => app.inject({ url, headers });
  return { app: () => app, get };
}

export const usersOf = (body: WorkspacesBody) => body.workspaces.map((w) => w.user).sort();

export function listen(a: FastifyInstance): Promise<number> {
  return a.listen({ host: '127.0.0.1', port: 0 }).then(() => (a.server.address() as net.AddressInfo).port);
}

export function raw(port: number, request: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, '127.0.0.1', () => s.end(request));
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('error', reject);
  });
}
