/**
 * The user view ("my workspaces") against the real stack: each of its Infinity targets, with ${__user.login} filled in,
 * is sent to the real exporter as Grafana's Infinity datasource sends it (proxy token + X-Grafana-User), for two users
 * whose workspaces come from the ownership file. Each answers 200 with every column it reads, and only that user's
 * rows; the same query naming the other user is refused with 403, and without the proxy token with 401.
 */
import { allPanels, HISTORY_UID, loadDashboards, uidOf } from './support/artifacts';
import { paramsOf } from './support/infinity';
import type { Panel, Target } from './support/shapes';
import { substitute } from './support/substitute';
import { ADMIN_TOKEN, asUser, startLiveStack, type LiveStack } from './support/liveStack';

interface Row {
  [field: string]: unknown;
}

let stack: LiveStack;
/** the two users the tests sign in as: the owners of the most live workspaces */
let users: [string, string];
/** every live workspace (host, user), as the admin sees it */
let everyWorkspace: Array<{ host: string; user: string }>;

beforeAll(async () => {
  // REST only: no need to wait for the recording rules; the history panels need the backfilled hours
  stack = await startLiveStack({ waitForRules: false, backfill: true });
  const res = await stack.app.inject({
    url: '/api/v1/workspaces',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  everyWorkspace = res.json<{ workspaces: Array<{ host: string; user: string }> }>().workspaces;
  const count = new Map<string, number>();
  for (const w of everyWorkspace) count.set(w.user, (count.get(w.user) ?? 0) + 1);
  const ranked = [...count].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([u]) => u);
  users = [ranked[0]!, ranked[1]!];
}, 240000);
afterAll(async () => {
  await stack?.stop();
});

const userView = loadDashboards().find((d) => d.json.uid === 'ada-carbon-user')!.json;
const targets: Array<[string, Target]> = allPanels(userView).flatMap((p: Panel) =>
  (p.targets ?? []).map((t): [string, Target] => [`"${p.title}" ${t.refId}`, t])
);

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);

/** The target's URL with the dashboard's variables filled in for `login` (the time range: the last 7 days). */
function urlFor(t: Target, login: string): string {
  const vars = {
    '__user.login': login,
    area: 'regional',
    year: String(new Date().getUTCFullYear()),
    __from: day(-7),
    __to: day(0),
  };
  const params = Object.entries(paramsOf(t)).map(([k, v]): [string, string] => [k, substitute(v, vars)]);
  return `${t.url!}?${new URLSearchParams(params).toString()}`;
}

/** The rows at the target's root selector (a dotted field path), an object read as one row. */
function rowsAt(body: unknown, rootSelector: string): Row[] {
  let root = body;
  for (const part of rootSelector.split('.'))
    root = typeof root === 'object' && root !== null ? (root as Row)[part] : undefined;
  if (root === undefined || root === null) throw new Error(`nothing at ${rootSelector}`);
  return (Array.isArray(root) ? root : [root]) as Row[];
}

const get = (url: string, headers: Record<string, string>) => stack.app.inject({ method: 'GET', url, headers });
const asAdmin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('the ownership file is the source of the owners', () => {
  it('every live workspace has the owner its record names, and two users own some', () => {
    expect(everyWorkspace.length).toBeGreaterThan(10);
    for (const w of everyWorkspace) expect([w.host, w.user]).toEqual([w.host, stack.owners.get(w.host)]);
    expect(users[0]).not.toBe(users[1]);
  });
});

describe('the user view targets through the proxy, as each of two users', () => {
  it('are all Infinity targets', () => {
    expect(targets.length).toBeGreaterThanOrEqual(12);
    for (const [where, t] of targets) expect([where, uidOf(t.datasource)]).toEqual([where, HISTORY_UID]);
  });

  it.each(targets)('%s answers 200 with its columns and only the signed-in user’s rows', async (_where, t) => {
    const answers: string[] = [];
    for (const login of users) {
      const res = await get(urlFor(t, login), asUser(login));
      expect([login, res.statusCode, res.body.slice(0, 200)]).toEqual([login, 200, expect.any(String)]);
      const rows = rowsAt(res.json(), t.root_selector!);
      for (const row of rows)
        for (const c of t.columns!) expect([c.selector, c.selector in row]).toEqual([c.selector, true]);
      if (t.url === '/api/v1/workspaces') {
        // exactly the user's live workspaces, each with its owner shown
        const mine = everyWorkspace.filter((w) => w.user === login).map((w) => w.host);
        expect(rows.map((r) => r.host).sort()).toEqual(mine.sort());
        for (const r of rows) expect(r.user).toBe(login);
      } else if (t.root_selector === 'idle_workspaces') {
        const mine = new Set(everyWorkspace.filter((w) => w.user === login).map((w) => w.host));
        for (const r of rows) expect([r.host, mine.has(String(r.host)), r.user]).toEqual([r.host, true, login]);
      }
      if ('key' in paramsOf(t)) {
        // what the admin gets for the same key: the user's own figures, nothing more or less
        const admin = await get(urlFor(t, login), asAdmin);
        expect(res.json()).toEqual(admin.json());
      }
      answers.push(JSON.stringify(rows));
    }
    // per-user figures differ between the two users; the advice is the same for both
    if ('key' in paramsOf(t) || t.url === '/api/v1/workspaces') expect(answers[0]).not.toEqual(answers[1]);
    else expect(answers[0]).toEqual(answers[1]);
  });

  it('the history panels have backfilled figures for the signed-in user', async () => {
    const hist = targets.find(([, t]) => t.url === '/api/v1/usage')![1];
    const res = await get(urlFor(hist, users[0]), asUser(users[0]));
    const series = rowsAt(res.json(), 'series');
    const kwh = series.reduce((a, r) => a + Number(r.busy_kwh) + Number(r.idle_kwh), 0);
    expect(kwh).toBeGreaterThan(0);
    const heat = targets.find(([, t]) => t.url === '/api/v1/heatmap')![1];
    const days = rowsAt((await get(urlFor(heat, users[0]), asUser(users[0]))).json(), 'days');
    expect(days.some((d) => Number(d.kwh) > 0)).toBe(true);
  });

  const keyed = targets.filter(([, t]) => 'key' in paramsOf(t));
  it.each(keyed)('%s: a key naming another user is refused with 403, no proxy token with 401', async (_w, t) => {
    const [me, other] = users;
    expect((await get(urlFor(t, other), asUser(me))).statusCode).toBe(403);
    // a user header without the proxy token is not believed
    expect((await get(urlFor(t, me), { 'x-grafana-user': me })).statusCode).toBe(401);
  });

  it('without the proxy token, /api/v1/workspaces names no owner', async () => {
    const res = await get('/api/v1/workspaces', { 'x-grafana-user': users[0] });
    const rows = res.json<{ workspaces: Row[] }>().workspaces;
    expect(rows.length).toBe(everyWorkspace.length);
    for (const r of rows) expect(r.user).toBe('hidden');
  });
});
