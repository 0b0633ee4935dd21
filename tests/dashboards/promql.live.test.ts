/**
 * Every PromQL expression shipped (dashboard panels and variables, Grafana alert rules, Prometheus recording and
 * alerting rules) run against a real Prometheus scraping the real exporter: each must parse and return data, for
 * each site value where it uses $site.
 */
import {
  alertSubject,
  dashboardQueries,
  grafanaAlertQueries,
  prometheusRules,
  queryVariables,
  type PromQuery,
} from './support/artifacts';
import { substitute, variablesIn } from './support/substitute';
import { startLiveStack, type LiveStack } from './support/liveStack';

const SITES = ['clf', 'isis', 'diamond'] as const;
const AREAS = ['national', 'regional'] as const;
let stack: LiveStack;

beforeAll(async () => {
  stack = await startLiveStack();
}, 240000);
afterAll(async () => {
  await stack?.stop();
});

async function valuesOf(selector: string, label: string, vars: Record<string, string>): Promise<string[]> {
  const r = await stack.query(`group by (${label}) (${substitute(selector, vars)})`);
  expect(r.status).toBe('success');
  return r
    .data!.result.map((s) => s.metric[label] as string)
    .filter((v) => v !== undefined)
    .sort();
}

/** Variable values per site, found the way Grafana finds them: by running the dashboards' label_values queries. */
async function varsFor(site: string): Promise<Record<string, string>> {
  const vars: Record<string, string> = { site, job: 'ada-carbon', year: String(new Date().getUTCFullYear()) };
  for (const v of queryVariables()) {
    if (vars[v.name] !== undefined) continue;
    const values = await valuesOf(v.selector, v.label, vars);
    expect(values.length).toBeGreaterThan(0);
    vars[v.name] = values[0]!;
  }
  return vars;
}

async function expectData(expr: string, instant: boolean): Promise<void> {
  const r = await stack.query(expr);
  if (r.status !== 'success') throw new Error(`${expr}: ${r.error}`);
  if (r.data!.result.length === 0) throw new Error(`no data for ${expr}`);
  if (!instant) {
    const end = Math.floor(Date.now() / 1000);
    const rr = await stack.queryRange(expr, end - 60, end, 5);
    if (rr.status !== 'success') throw new Error(`range ${expr}: ${rr.error}`);
    if (rr.data!.result.length === 0) throw new Error(`no range data for ${expr}`);
  }
}

const uses = (q: PromQuery, name: string) => variablesIn(q.expr).includes(name);
const siteQueries = (qs: PromQuery[]) => qs.filter((q) => uses(q, 'site'));
const areaQueries = (qs: PromQuery[]) => qs.filter((q) => uses(q, 'area') && !uses(q, 'site'));
const otherQueries = (qs: PromQuery[]) => qs.filter((q) => !uses(q, 'site') && !uses(q, 'area'));
const panelQueries = dashboardQueries();

describe('the live stack', () => {
  it('tracks the real node_exporter and synthetic hosts of all three sites', async () => {
    const sites = await valuesOf('ada_carbon_workspace_cpus', 'site', {});
    expect(sites).toEqual(expect.arrayContaining([...SITES]));
    const real = await stack.query(`ada_carbon_workspace_cpus{user="${stack.realHost.user}"}`);
    expect(real.data!.result).toHaveLength(1);
    const moving = await stack.query(
      `increase(ada_carbon_workspace_energy_joules_total{user="${stack.realHost.user}"}[30s])`
    );
    expect(moving.data!.result.some((s) => Number(s.value[1]) > 0)).toBe(true);
  });
});

describe('dashboard queries with $site', () => {
  const cases = siteQueries(panelQueries).flatMap((q) => SITES.map((site) => [q.origin, site, q] as const));
  it.each(cases)('%s for site=%s', async (_origin, site, q) => {
    await expectData(substitute(q.expr, await varsFor(site)), q.instant);
  });
});

describe('dashboard queries without $site', () => {
  it.each(otherQueries(panelQueries).map((q) => [q.origin, q] as const))('%s', async (_o, q) => {
    await expectData(substitute(q.expr, await varsFor('isis')), q.instant);
  });
});

describe('dashboard queries with $area', () => {
  const cases = areaQueries(panelQueries).flatMap((q) => AREAS.map((area) => [q.origin, area, q] as const));
  it('exist (the forecast strip and the advice tables)', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  it.each(cases)('%s for area=%s', async (_origin, area, q) => {
    await expectData(substitute(q.expr, { ...(await varsFor('isis')), area }), q.instant);
  });
});

describe('dashboard query variables', () => {
  const cases = queryVariables().flatMap((v) => SITES.map((site) => [`${v.dashboard} $${v.name}`, site, v] as const));
  it.each(cases)('%s for site=%s lists values', async (_o, site, v) => {
    const vars = await varsFor(site);
    expect((await valuesOf(v.selector, v.label, vars)).length).toBeGreaterThan(0);
  });

  it('$site lists the sites the exporter reports, not a fixed list', async () => {
    const v = queryVariables().find((q) => q.dashboard === 'site.json' && q.name === 'site')!;
    expect(variablesIn(v.selector)).toEqual([]);
    expect(await valuesOf(v.selector, v.label, {})).toEqual([...SITES].sort());
  });
});

describe('Grafana alert rule queries', () => {
  it.each(grafanaAlertQueries().map((q) => [q.origin, q] as const))('%s', async (_o, q) => {
    expect(variablesIn(q.expr)).toEqual([]);
    await expectData(q.expr, true);
  });
});

describe('Prometheus rules', () => {
  it.each(prometheusRules().map((r) => [r.origin, r] as const))('%s parses and its subject has data', async (_o, r) => {
    const full = await stack.query(r.expr);
    expect(full.status).toBe('success');
    if (r.kind === 'record') {
      expect(full.data!.result.length).toBeGreaterThan(0);
      // and Prometheus has been recording it
      const recorded = await stack.query(r.name);
      expect(recorded.data!.result.length).toBeGreaterThan(0);
    } else {
      await expectData(alertSubject(r.expr), true);
    }
  });

  it('recorded hourly energy by site equals the sum over projects and over users', async () => {
    const rules = ['site_state', 'site_project_state', 'site_user_state'].map(
      (level) => `${level}:ada_carbon_workspace_energy_joules:increase1h`
    );
    // Rules evaluate every second, one after another: read all three at one evaluation they have all finished,
    // not at three moments that can straddle an evaluation.
    const latest = await Promise.all(
      rules.map(async (r) => Number((await stack.query(`max(timestamp(${r}))`)).data!.result[0]?.value[1]))
    );
    const at = Math.min(...latest);
    expect(Number.isFinite(at)).toBe(true);
    const val = async (e: string) => Number((await stack.query(e, at)).data!.result[0]?.value[1]);
    let total = 0;
    for (const site of SITES) {
      const [bySite, byProject, byUser] = await Promise.all(rules.map((r) => val(`sum(${r}{site="${site}"})`)));
      expect(byProject).toBeCloseTo(bySite!, 3);
      expect(byUser).toBeCloseTo(bySite!, 3);
      total += bySite!;
    }
    // the real host's counters move, so the comparison is not of zeros
    expect(total).toBeGreaterThan(0);
  });
});
