/** Loads every shipped dashboard, rule and provisioning file, and lists the PromQL in them with where it comes from. */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { DashboardJson, DatasourceRef, GrafanaAlertFile, Panel, PromRuleFile } from './shapes';

export const ROOT = path.resolve(__dirname, '../../..');
export const DASHBOARDS_DIR = path.join(ROOT, 'dashboards');
export const PROVISIONING_DIR = path.join(ROOT, 'provisioning');
export const PROM_RULES_DIR = path.join(PROVISIONING_DIR, 'prometheus/rules');
export const GRAFANA_DIR = path.join(PROVISIONING_DIR, 'grafana');
export const PROM_UID = 'ada-carbon-prometheus';
/** How dashboards name Prometheus: their datasource variable, whose default is PROM_UID. */
export const PROM_VAR = '${datasource}';
export const HISTORY_UID = 'ada-carbon-history';

export interface Dashboard {
  file: string;
  json: DashboardJson;
}

export function loadDashboards(): Dashboard[] {
  return fs
    .readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      file: f,
      json: JSON.parse(fs.readFileSync(path.join(DASHBOARDS_DIR, f), 'utf8')) as DashboardJson,
    }));
}

/** Parses a YAML file as the shape the caller names (unknown when it names none). */
export function readYaml<T = unknown>(file: string): T {
  return YAML.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Panels including those nested in rows. */
export function allPanels(d: DashboardJson): Panel[] {
  const out: Panel[] = [];
  const walk = (ps: Panel[] | undefined) => {
    for (const p of ps ?? []) {
      out.push(p);
      walk(p.panels);
    }
  };
  walk(d.panels);
  return out;
}

export interface PromQuery {
  /** where it comes from, for test names */
  origin: string;
  expr: string;
  /** instant-only (stat, table, alert) or also used as a range query */
  instant: boolean;
}

/** The uid a datasource reference names (a string reference is the uid itself). */
export function uidOf(ds: DatasourceRef | undefined): string | undefined {
  return typeof ds === 'string' ? ds : ds?.uid;
}

/** Every Prometheus target of every dashboard panel and every label_values() query variable. */
export function dashboardQueries(dashboards = loadDashboards()): PromQuery[] {
  const out: PromQuery[] = [];
  for (const { file, json } of dashboards) {
    for (const p of allPanels(json)) {
      for (const t of p.targets ?? []) {
        const uid = uidOf(t.datasource ?? p.datasource);
        if ((uid === PROM_UID || uid === PROM_VAR) && typeof t.expr === 'string') {
          out.push({ origin: `${file} "${p.title}" ${t.refId}`, expr: t.expr, instant: t.instant === true });
        }
      }
    }
  }
  return out;
}

export interface QueryVariable {
  dashboard: string;
  name: string;
  /** the selector inside label_values(selector, label) */
  selector: string;
  label: string;
}

export function queryVariables(dashboards = loadDashboards()): QueryVariable[] {
  const out: QueryVariable[] = [];
  for (const { file, json } of dashboards) {
    for (const v of json.templating?.list ?? []) {
      if (v.type !== 'query') continue;
      const q = String(typeof v.query === 'string' ? v.query : v.query?.query);
      const m = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(q);
      if (!m) throw new Error(`${file}: variable ${v.name} is not label_values(selector, label): ${q}`);
      out.push({ dashboard: file, name: v.name, selector: m[1]!, label: m[2]! });
    }
  }
  return out;
}

/** PromQL of the Grafana-managed alert rules (the Prometheus data nodes, not the expression nodes). */
export function grafanaAlertQueries(): PromQuery[] {
  const out: PromQuery[] = [];
  for (const file of yamlFiles(path.join(GRAFANA_DIR, 'alerting'))) {
    for (const g of readYaml<GrafanaAlertFile>(file).groups ?? []) {
      for (const r of g.rules ?? []) {
        for (const d of r.data ?? []) {
          if (d.datasourceUid === PROM_UID)
            out.push({ origin: `grafana alert "${r.title}" ${d.refId}`, expr: d.model.expr!, instant: true });
        }
      }
    }
  }
  return out;
}

export interface PromRule {
  origin: string;
  kind: 'record' | 'alert';
  name: string;
  expr: string;
}

export function prometheusRules(): PromRule[] {
  const out: PromRule[] = [];
  for (const file of yamlFiles(PROM_RULES_DIR)) {
    for (const g of readYaml<PromRuleFile>(file).groups ?? []) {
      for (const r of g.rules ?? []) {
        const kind = r.record ? 'record' : 'alert';
        const name = r.record ?? r.alert!;
        out.push({ origin: `${path.basename(file)} ${name}`, kind, name, expr: r.expr });
      }
    }
  }
  return out;
}

/**
 * The part of an alert expression that must return data in a healthy system: the left side of a trailing
 * comparison with a number (`x > 0.9` -> `x`), the argument of absent_over_time(...).
 */
export function alertSubject(expr: string): string {
  const absent = /^absent(?:_over_time)?\((.*?)(?:\[[^\]]+\])?\)$/.exec(expr.trim());
  if (absent) return absent[1]!;
  const cmp = /^(.*?)\s*(?:>|<|>=|<=|==|!=)\s*[-+]?[0-9.]+(?:e[-+]?[0-9]+)?$/.exec(expr.trim());
  if (!cmp) throw new Error(`alert expression has no trailing comparison with a number: ${expr}`);
  return cmp[1]!;
}
