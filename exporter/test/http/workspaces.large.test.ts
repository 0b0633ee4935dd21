/**
 * GET /api/v1/workspaces at site scale: thousands of rows are serialised in slices (the event loop gets turns while
 * the answer is built), and the rows are still the response schema's JSON, sorted by site and host, users hidden
 * from a caller who may not see them.
 */
import type { FastifyInstance } from 'fastify';
import { emptySnapshot, type TrackingSnapshot } from '../../src/tracking/snapshot';
import { workspaceView } from '../../src/tracking/view';
import { testApp, testConfig } from '../support/app';
import type { WorkspacesBody } from '../support/restTypes';
import { turnsDuring } from '../support/turns';
import { ADMIN, listen, ws } from './accessSupport';

const ROWS = 20_000;
const states = Array.from({ length: ROWS }, (_, i) =>
  // hosts out of order and spread over two sites, so that the sort is exercised
  ws(`h-${String((i * 7919) % ROWS).padStart(5, '0')}`, `user${i % 50}`, i % 3 === 0 ? 'clf' : 'isis')
);
const SNAPSHOT: TrackingSnapshot = {
  ...emptySnapshot(),
  version: 3,
  generatedAtSeconds: 1_790_003_600,
  workspaces: states,
};

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp(
    testConfig({
      prometheus: { url: 'http://127.0.0.1:9', retries: 0 },
      server: { host: '127.0.0.1', port: 0, auth: { adminToken: ADMIN } },
    })
  );
  jest.spyOn(app.tracker, 'snapshot', 'get').mockReturnValue(SNAPSHOT);
});
afterAll(() => app.close());

it('serialises twenty thousand rows with the event loop getting turns meanwhile', async () => {
  // over a real socket, the body kept as bytes until the work is measured: inject(), or decoding 12 MB of text
  // here, would add the client's own work on this event loop to the server's
  const port = await listen(app);
  const {
    value: r,
    turns,
    longestHoldMs,
  } = await turnsDuring(async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/workspaces`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    return {
      statusCode: res.status,
      headers: { 'content-type': res.headers.get('content-type') },
      bytes: Buffer.from(await res.arrayBuffer()),
    };
  });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
  // in one go the rows would take a handful of turns at most; in slices of about 8 ms, more turns the slower the
  // machine (17 on Node 26 on a fast 2-core machine, dozens on Node 20)
  expect(turns).toBeGreaterThan(8);
  // No slice, nor the sort, nor the send, holds the loop long: 21-28 ms on Node 20, 30-44 ms on Node 26 alone on a
  // 2-core machine, up to 114 ms on Node 24 in a loaded full run; 120-140 ms alone with the rows sorted by
  // localeCompare in one call and joined into one string, over 600 ms serialised in one call. The bound catches the
  // latter on a loaded machine.
  expect(longestHoldMs).toBeLessThan(250);
  const body = JSON.parse(r.bytes.toString('utf8')) as WorkspacesBody;
  expect(body).toMatchObject({ generated_at: '2026-09-21T15:13:20.000Z', site: null, count: ROWS });
  expect(body.workspaces).toHaveLength(ROWS);
  const keys = body.workspaces.map((w) => `${w.site}/${w.host}`);
  // by code point (host names are ASCII)
  expect(keys).toEqual([...keys].sort());
  const first = states.filter((w) => w.site === 'clf').sort((a, b) => (a.host < b.host ? -1 : 1))[0]!;
  expect(body.workspaces[0]).toEqual(JSON.parse(JSON.stringify(workspaceView(first))));
});

it('hides every user from a caller without credentials, and filters by site', async () => {
  const r = await app.inject({ url: '/api/v1/workspaces?site=clf' });
  const body = r.json<WorkspacesBody>();
  expect(body.count).toBe(states.filter((w) => w.site === 'clf').length);
  expect(new Set(body.workspaces.map((w) => w.site))).toEqual(new Set(['clf']));
  expect(new Set(body.workspaces.map((w) => w.user))).toEqual(new Set(['hidden']));
  expect(r.body).not.toContain('"user1"');
});
