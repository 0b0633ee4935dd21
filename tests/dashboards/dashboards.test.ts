/** Static checks of the shipped dashboards: structure, uids, datasources, panel types, the plugin's queries. */
import fs from 'node:fs';
import path from 'node:path';
import {
  DASHBOARDS_DIR,
  GRAFANA_DIR,
  HISTORY_UID,
  PROM_UID,
  PROM_VAR,
  queryVariables,
  ROOT,
  allPanels,
  loadDashboards,
  readYaml,
  uidOf,
  yamlFiles,
} from './support/artifacts';
import { variablesIn } from './support/substitute';
import {
  PARAM_VALUES,
  REST_ENDPOINTS,
  infinityTypeOf,
  isRestEndpoint,
  paramsOf,
  rowSchemaAt,
  type JsonSchema,
} from './support/infinity';
import type { DatasourcesFile, PluginJson, Target, ValueMapping } from './support/shapes';
import { CORE_PANELS, REQUIRED, USAGE_FIELDS, datasourceRefs } from './support/dashboardRules';

const PLUGIN_JSON = path.join(ROOT, 'grafana-plugin/src/plugin.json');
const QUERIES_JSON = path.join(ROOT, 'grafana-plugin/src/queries.json');
const pluginId = (JSON.parse(fs.readFileSync(PLUGIN_JSON, 'utf8')) as PluginJson).id;

const LEVELS = new Set(['project', 'experiment', 'machine', 'host', 'user']);

const provisionedUids = new Set<string>(
  yamlFiles(path.join(GRAFANA_DIR, 'datasources')).flatMap((f) =>
    readYaml<DatasourcesFile>(f).datasources.map((d) => d.uid)
  )
);
const dashboards = loadDashboards();

describe('dashboards', () => {
  it('are the five required ones, each in its own file', () => {
    expect(dashboards.map((d) => d.json.uid).sort()).toEqual(Object.keys(REQUIRED).sort());
    expect(fs.readdirSync(DASHBOARDS_DIR).filter((f) => !f.endsWith('.json'))).toEqual([]);
  });

  it('have unique stable uids and titles and no numeric id', () => {
    const uids = dashboards.map((d) => d.json.uid);
    const titles = dashboards.map((d) => d.json.title);
    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(titles).size).toBe(titles.length);
    for (const { file, json } of dashboards) {
      expect([file, json.uid]).toEqual([file, expect.stringMatching(/^ada-carbon-[a-z-]+$/)]);
      expect(json.uid.length).toBeLessThanOrEqual(40);
      expect([file, 'id' in json]).toEqual([file, false]);
      expect(json.__inputs).toBeUndefined(); // import-only placeholders do not work with provisioning
      expect(typeof json.schemaVersion).toBe('number');
    }
  });

  it.each(dashboards.map((d) => [d.file, d] as const))(
    '%s: every datasource ref is a provisioned uid or a variable',
    (_f, { json }) => {
      const refs = datasourceRefs(json);
      expect(refs.length).toBeGreaterThan(0);
      for (const { where, ref } of refs) {
        const uid = typeof ref === 'string' ? ref : ref?.uid;
        const ok = (uid !== undefined && provisionedUids.has(uid)) || /^\$\{?[A-Za-z_]\w*\}?$/.test(uid ?? '');
        expect([where, uid, ok]).toEqual([where, uid, true]);
        if (typeof ref === 'object')
          expect(ref.type).toBe(uid === HISTORY_UID ? 'yesoreyeram-infinity-datasource' : 'prometheus');
      }
    }
  );

  it.each(dashboards.map((d) => [d.file, d] as const))(
    '%s: panels are core or ours, with unique ids and a grid position',
    (_f, { json }) => {
      const panels = allPanels(json);
      const anyNumber: unknown = expect.any(Number);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of panels) {
        expect([p.title, CORE_PANELS.has(p.type) || p.type === pluginId]).toEqual([p.title, true]);
        expect(p.gridPos).toEqual({ h: anyNumber, w: anyNumber, x: anyNumber, y: anyNumber });
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
        if (p.type !== 'row') expect((p.targets ?? []).length).toBeGreaterThan(0);
      }
    }
  );

  it.each(dashboards.map((d) => [d.file, d] as const))('%s: every variable a query uses is defined', (_f, { json }) => {
    const defined = new Set((json.templating?.list ?? []).map((v) => v.name));
    for (const p of allPanels(json)) {
      for (const t of p.targets ?? []) {
        const text = JSON.stringify([t.expr ?? '', t.url ?? '', t.url_options ?? {}]).replace(
          /\$\{__(from|to)[^}]*\}/g,
          ''
        );
        for (const name of variablesIn(text)) expect([p.title, name, defined.has(name)]).toEqual([p.title, name, true]);
      }
    }
  });

  it('site analysis takes $site from label_values() on Prometheus and has the plugin panel with its recommended queries', () => {
    const site = dashboards.find((d) => d.json.uid === 'ada-carbon-site')!.json;
    const v = site.templating!.list!.find((x) => x.name === 'site')!;
    expect(v.type).toBe('query');
    expect(v.datasource).toEqual({ type: 'prometheus', uid: PROM_VAR });
    expect(queryVariables([{ file: 'site.json', json: site }]).find((q) => q.name === 'site')!.label).toBe('site');
    const ours = allPanels(site).filter((p) => p.type === pluginId);
    expect(ours).toHaveLength(1);
    const recommended = JSON.parse(fs.readFileSync(QUERIES_JSON, 'utf8')) as unknown[];
    const strip = ({ datasource: _d, ...rest }: Target) => rest;
    expect(ours[0]!.targets!.map(strip)).toEqual(recommended);
    for (const t of ours[0]!.targets!) expect(t.datasource).toEqual({ type: 'prometheus', uid: PROM_VAR });
  });

  it.each(dashboards.map((d) => [d.file, d] as const))(
    '%s: names Prometheus only through its datasource variable, which defaults to the provisioned one',
    (_f, { json }) => {
      const prom = datasourceRefs(json).filter(({ ref }) => typeof ref === 'object' && ref.type === 'prometheus');
      expect(prom.length).toBeGreaterThan(0);
      for (const { where, ref } of prom) expect([where, uidOf(ref)]).toEqual([where, PROM_VAR]);
      const v = json.templating!.list!.find((x) => x.name === 'datasource')!;
      expect([v.type, v.query, v.current?.value]).toEqual(['datasource', 'prometheus', PROM_UID]);
    }
  );

  it('site analysis shows grid intensity now, site kWh and kgCO2e over time, and busy vs idle', () => {
    const exprs = allPanels(dashboards.find((d) => d.json.uid === 'ada-carbon-site')!.json).flatMap((p) =>
      (p.targets ?? []).map((t) => `${p.type} ${t.expr ?? t.url}`)
    );
    expect(exprs.some((e) => /^stat .*ada_carbon_grid_intensity_grams_per_kilowatt_hour/.test(e))).toBe(true);
    expect(exprs.some((e) => /^timeseries .*energy_joules.*\/ 3\.6e6/.test(e))).toBe(true);
    expect(exprs.some((e) => /^timeseries .*emissions_grams.*\/ 1000/.test(e))).toBe(true);
    expect(exprs.some((e) => /^piechart sum by \(state\)/.test(e))).toBe(true);
  });

  it('history panels read the REST API through the Infinity datasource with documented parameters and fields', () => {
    let count = 0;
    for (const { json } of dashboards) {
      for (const p of allPanels(json)) {
        for (const t of p.targets ?? []) {
          if (uidOf(t.datasource) !== HISTORY_UID || isRestEndpoint(t.url)) continue;
          count++;
          expect(t).toMatchObject({
            type: 'json',
            source: 'url',
            parser: 'backend',
            url: '/api/v1/usage',
            root_selector: 'series',
          });
          const params = Object.fromEntries(t.url_options!.params!.map((x) => [x.key, x.value]));
          expect(Object.keys(params).sort()).toEqual(['from', 'granularity', 'key', 'level', 'to']);
          expect(LEVELS.has(params.level!)).toBe(true);
          expect(['hour', 'day', 'month', 'year']).toContain(params.granularity);
          for (const k of ['from', 'to'])
            expect(params[k]).toMatch(/^(\$\{__(from|to):date:YYYY-MM-DD\}|\$year-\d\d-\d\d)$/);
          for (const c of t.columns!) expect(USAGE_FIELDS.has(c.selector)).toBe(true);
          expect(t.columns![0]).toMatchObject({ selector: 'time', type: 'timestamp' });
        }
      }
    }
    // project day/month kWh+gCO2e, year heatmap, data quality, user history x2, site history
    expect(count).toBeGreaterThanOrEqual(9);
  });

  it('greener-choices and per-user panels read the REST API through Infinity with only documented parameters, fields and types', () => {
    const seen = new Set<string>();
    for (const { file, json } of dashboards) {
      for (const p of allPanels(json)) {
        for (const t of p.targets ?? []) {
          if (uidOf(t.datasource) !== HISTORY_UID || t.url === '/api/v1/usage') continue;
          const where = `${file} "${p.title}" ${t.refId}`;
          expect([where, isRestEndpoint(t.url)]).toEqual([where, true]);
          const url = t.url!;
          seen.add(url);
          expect(t).toMatchObject({ type: 'json', source: 'url', parser: 'backend' });
          const route = REST_ENDPOINTS[url]!;
          const query: JsonSchema = route.querystring;
          const params = paramsOf(t);
          for (const k of Object.keys(params)) expect([where, k, k in query.properties!]).toEqual([where, k, true]);
          for (const k of query.required ?? []) expect([where, k, k in params]).toEqual([where, k, true]);
          for (const [k, allowed] of Object.entries(PARAM_VALUES[url] ?? {})) {
            if (k in params) expect([where, k, allowed.includes(params[k]!)]).toEqual([where, k, true]);
          }
          const row = rowSchemaAt(url, t.root_selector!);
          expect(t.columns!.length).toBeGreaterThan(0);
          for (const c of t.columns!) {
            expect([where, c.selector, c.selector in row.properties]).toEqual([where, c.selector, true]);
            const documented = infinityTypeOf(row.properties[c.selector]!);
            // a plain-text date may be read as a time when the column says how to parse it
            const type = documented === 'string' && c.timestampFormat ? 'timestamp' : documented;
            expect([where, c.selector, c.type]).toEqual([where, c.selector, type]);
          }
        }
      }
    }
    expect([...seen].sort()).toEqual([
      '/api/v1/greenest-window',
      '/api/v1/heatmap',
      '/api/v1/idle-waste',
      '/api/v1/workspaces',
    ]);
  });

  it('the site and user views show the greenest-window advice and idle-shutdown savings; grid shows the forecast', () => {
    const exprsOf = (uid: string) =>
      allPanels(dashboards.find((d) => d.json.uid === uid)!.json).flatMap((p) =>
        (p.targets ?? []).map((t) => `${p.type} ${t.expr ?? `${t.url} ${t.root_selector}`}`)
      );
    const advice = [
      /^table .*greenest_window_available/,
      /^table .*greenest_window_start_timestamp_seconds.* \* 1000/,
      /^table .*greenest_window_mean_grams_per_kilowatt_hour/,
      /^table .*greenest_window_saving_ratio/,
    ];
    for (const uid of ['ada-carbon-site', 'ada-carbon-grid']) {
      const exprs = exprsOf(uid);
      for (const re of advice) expect([uid, re.source, exprs.some((e) => re.test(e))]).toEqual([uid, re.source, true]);
    }
    const strip = /^barchart ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour\{area=/;
    expect(exprsOf('ada-carbon-site').some((e) => strip.test(e))).toBe(true);
    expect(exprsOf('ada-carbon-grid').filter((e) => strip.test(e))).toHaveLength(2);
    expect(exprsOf('ada-carbon-site')).toEqual(
      expect.arrayContaining([
        'stat sum(ada_carbon_idle_workspaces{site="$site"})',
        'stat sum(ada_carbon_idle_shutdown_projected_daily_saving_joules{site="$site"}) / 3.6e6',
        'stat sum(ada_carbon_idle_shutdown_projected_daily_saving_grams{site="$site"})',
      ])
    );
    // the user view reads the same advice from the REST API, as all its panels
    expect(exprsOf('ada-carbon-user')).toEqual(
      expect.arrayContaining([
        'table /api/v1/greenest-window windows',
        'stat /api/v1/idle-waste now',
        'table /api/v1/idle-waste idle_workspaces',
      ])
    );
    for (const uid of ['ada-carbon-grid', 'ada-carbon-exporter-health']) {
      const exprs = exprsOf(uid);
      expect(exprs.some((e) => /ada_carbon_grid_forecast_up/.test(e))).toBe(true);
      expect(exprs.some((e) => /ada_carbon_grid_forecast_last_success_timestamp_seconds/.test(e))).toBe(true);
    }
  });

  it('the greenest-window tables say "no advice" when available is 0 and show the saving as a percentage', () => {
    for (const { file, json } of dashboards) {
      for (const p of allPanels(json)) {
        // the plugin panel renders the advice itself (tested in grafana-plugin); this is about table panels
        if (p.type === pluginId || !(p.targets ?? []).some((t) => /greenest_window_available/.test(t.expr ?? '')))
          continue;
        const prop = (name: string, id: string) =>
          p.fieldConfig!.overrides.find((o) => o.matcher.options === name)?.properties.find((x) => x.id === id)?.value;
        const mappings = prop('advice', 'mappings') as ValueMapping[] | undefined;
        expect([file, p.title, mappings?.[0]?.options?.['0']?.text]).toEqual([file, p.title, 'no advice']);
        expect([file, p.title, prop('saving vs now', 'unit')]).toEqual([file, p.title, 'percentunit']);
        expect(String(prop('starts at', 'unit'))).toMatch(/^dateTime/);
      }
    }
  });
});
