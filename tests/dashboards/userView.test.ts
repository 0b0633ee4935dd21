/** Static checks of the user view ("my workspaces") and of the panel plugin's metadata. */
import fs from 'node:fs';
import path from 'node:path';
import { GRAFANA_DIR, HISTORY_UID, ROOT, allPanels, loadDashboards, uidOf } from './support/artifacts';
import { paramsOf } from './support/infinity';
import type { PluginJson, ValueMapping } from './support/shapes';

const PLUGIN_JSON = path.join(ROOT, 'grafana-plugin/src/plugin.json');
const pluginId = (JSON.parse(fs.readFileSync(PLUGIN_JSON, 'utf8')) as PluginJson).id;
const dashboards = loadDashboards();

describe('the user view ("my workspaces")', () => {
  const user = dashboards.find((d) => d.json.uid === 'ada-carbon-user')!.json;
  const targets = allPanels(user).flatMap((p) => (p.targets ?? []).map((t) => ({ p, t })));

  it('reads every panel from the REST API through the Infinity (proxy) datasource', () => {
    expect(targets.length).toBeGreaterThan(0);
    for (const { p, t } of targets)
      expect([p.title, uidOf(t.datasource ?? p.datasource)]).toEqual([p.title, HISTORY_UID]);
  });

  it("asks for the signed-in user's own rows: every key is ${__user.login}, no user variable", () => {
    expect((user.templating?.list ?? []).map((v) => v.name)).not.toContain('user');
    let keyed = 0;
    for (const { p, t } of targets) {
      const params = paramsOf(t);
      if ('key' in params) {
        keyed++;
        expect([p.title, params.level, params.key]).toEqual([p.title, 'user', '${__user.login}']);
      }
    }
    expect(keyed).toBeGreaterThanOrEqual(6);
  });

  it('has workspace cards with the idle ticker, busy/idle history per day, the year heatmap, idle waste and advice', () => {
    const read = targets.map(
      ({ p, t }) => `${p.type} ${t.url} ${t.root_selector} ${t.columns!.map((c) => c.selector).join(',')}`
    );
    const has = (re: RegExp) => expect([re.source, read.some((r) => re.test(r))]).toEqual([re.source, true]);
    for (const field of ['idle_kwh', 'idle_gCo2eq', 'idle_power_watts'])
      has(new RegExp(`^stat /api/v1/workspaces workspaces host,machine_name,${field}$`));
    has(/^table \/api\/v1\/workspaces workspaces .*started_at.*idle_kwh.*idle_gCo2eq/);
    has(/^timeseries \/api\/v1\/usage series time,busy_kwh,idle_kwh$/);
    has(/^timeseries \/api\/v1\/usage series time,busy_gCo2eq,idle_gCo2eq$/);
    has(/^status-history \/api\/v1\/heatmap days date,/);
    has(/^stat \/api\/v1\/idle-waste now .*shutdown_saving_kwh_per_day/);
    has(/^table \/api\/v1\/idle-waste idle_workspaces .*shutdown_saving_gCo2eq_per_day/);
    has(/^stat \/api\/v1\/idle-waste history\.last_day /);
    has(/^table \/api\/v1\/greenest-window windows .*available.*start.*saving_ratio/);
    // the cards refresh on their own so the idle figures tick
    expect((user as { refresh?: string }).refresh).toMatch(/^\d+s$/);
  });

  it('the REST advice table says "no advice" when a window is unavailable and shows the saving as a percentage', () => {
    const p = allPanels(user).find((x) => (x.targets ?? []).some((t) => t.url === '/api/v1/greenest-window'))!;
    const prop = (name: string, id: string) =>
      p.fieldConfig!.overrides.find((o) => o.matcher.options === name)?.properties.find((x) => x.id === id)?.value;
    const cols = Object.fromEntries(p.targets![0]!.columns!.map((c) => [c.selector, (c as { text?: string }).text]));
    const mappings = prop(cols.available!, 'mappings') as ValueMapping[] | undefined;
    expect(mappings?.[0]?.options?.false?.text).toBe('no advice');
    expect(prop(cols.saving_ratio!, 'unit')).toBe('percentunit');
    expect(String(prop(cols.start!, 'unit'))).toMatch(/^dateTime/);
  });
});

describe('the panel plugin', () => {
  it('id in plugin.json is the one the provisioning allows unsigned, and the built dist matches it', () => {
    expect(pluginId).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?panel$/);
    const ini = fs.readFileSync(path.join(GRAFANA_DIR, 'plugins/grafana.ini'), 'utf8');
    expect(ini).toMatch(new RegExp(`^allow_loading_unsigned_plugins = ${pluginId}$`, 'm'));
    const dist = path.join(ROOT, 'grafana-plugin/dist/plugin.json');
    if (fs.existsSync(dist)) expect((JSON.parse(fs.readFileSync(dist, 'utf8')) as PluginJson).id).toBe(pluginId);
  });
});
