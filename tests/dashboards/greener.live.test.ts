/**
 * The greener-choices panels against the real stack: the forecast strip has every half-hour of 48 h per area, the
 * advice tables have a row per configured job length, and each Infinity target, sent to the real exporter with the
 * dashboard's variables filled in, answers 200 with every column it reads present at its root selector.
 */
import { allPanels, HISTORY_UID, loadDashboards, uidOf } from './support/artifacts';
import { isGreenEndpoint, paramsOf } from './support/infinity';
import type { Target } from './support/shapes';
import { substitute } from './support/substitute';
import { asUser, startLiveStack, type LiveStack } from './support/liveStack';

let stack: LiveStack;
beforeAll(async () => {
  stack = await startLiveStack();
}, 240000);
afterAll(async () => {
  await stack?.stop();
});

const vectorOf = async (expr: string): Promise<Array<{ metric: Record<string, string>; value: number }>> => {
  const r = await stack.query(expr);
  if (r.status !== 'success') throw new Error(`${expr}: ${r.error}`);
  return r.data!.result.map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
};

describe('forecast and advice in Prometheus', () => {
  it('has 96 half-hours of forecast per area, offsets 0 to 2850 minutes', async () => {
    const counts = await vectorOf('count by (area) (ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour)');
    expect(Object.fromEntries(counts.map((c) => [c.metric.area, c.value]))).toEqual({ national: 96, regional: 96 });
    const last = await vectorOf('ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour{offset_minutes="2850"}');
    expect(last).toHaveLength(2);
  });

  it('has advice for each configured job length in each area, inside the next 48 h, no worse than now', async () => {
    const available = await vectorOf('ada_carbon_grid_greenest_window_available');
    expect(available.map((s) => `${s.metric.area} ${s.metric.duration} ${s.value}`).sort()).toEqual(
      ['national', 'regional'].flatMap((a) => ['1h', '3h', '8h'].map((d) => `${a} ${d} 1`)).sort()
    );
    const now = Date.now() / 1000;
    for (const s of await vectorOf('ada_carbon_grid_greenest_window_start_timestamp_seconds')) {
      expect(s.value).toBeGreaterThanOrEqual(Math.floor(now / 1800) * 1800 - 1800);
      expect(s.value).toBeLessThan(now + 48 * 3600);
    }
    for (const s of await vectorOf('ada_carbon_grid_greenest_window_saving_ratio')) {
      expect(s.value).toBeGreaterThanOrEqual(0);
      expect(s.value).toBeLessThan(1);
    }
  });

  it('the forecast source is up with a recent last success', async () => {
    expect((await vectorOf('ada_carbon_grid_forecast_up')).map((s) => s.value)).toEqual([1, 1]);
    for (const s of await vectorOf('time() - ada_carbon_grid_forecast_last_success_timestamp_seconds')) {
      expect(s.value).toBeLessThan(600);
    }
  });
});

function infinityTargets(): Array<[string, Target]> {
  const out: Array<[string, Target]> = [];
  for (const { file, json } of loadDashboards()) {
    for (const p of allPanels(json)) {
      for (const t of p.targets ?? []) {
        if (uidOf(t.datasource) === HISTORY_UID && isGreenEndpoint(t.url))
          out.push([`${file} "${p.title}" ${t.refId}`, t]);
      }
    }
  }
  return out;
}

describe('greener-choices Infinity targets against the real exporter', () => {
  const targets = infinityTargets();
  it('exist', () => expect(targets.length).toBeGreaterThan(0));

  it.each(targets)('%s answers with every column it reads', async (_where, t) => {
    // the user whose view the test opens: one with an idle workspace now, so that the idle list has rows to check
    const user = (await vectorOf('group by (user) (ada_carbon_workspace_idle_ratio >= 0.95)'))
      .map((s) => s.metric.user!)
      .sort()[0]!;
    expect(user).toBeDefined();
    const params = Object.fromEntries(
      Object.entries(paramsOf(t)).map(([k, v]) => [
        k,
        substitute(v, { user, '__user.login': user, site: 'isis', area: 'regional' }),
      ])
    );
    // as Grafana's Infinity datasource asks: the proxy token and the signed-in user
    const res = await stack.app.inject({
      method: 'GET',
      url: `${t.url!}?${new URLSearchParams(params).toString()}`,
      headers: asUser(user),
    });
    expect([res.statusCode, res.body.slice(0, 200)]).toEqual([200, expect.any(String)]);
    let root = res.json<unknown>();
    for (const part of String(t.root_selector).split('.')) {
      root = typeof root === 'object' && root !== null ? (root as Record<string, unknown>)[part] : undefined;
    }
    expect(root).toBeDefined();
    expect(root).not.toBeNull();
    // `in` below throws on a row that is not an object, as the check intends
    const rows = (Array.isArray(root) ? (root as unknown[]) : [root]) as object[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      for (const c of t.columns!) expect([c.selector, c.selector in row]).toEqual([c.selector, true]);
  });
});
