/**
 * The parts of the shipped dashboards, provisioning, Compose and Prometheus files the tests read. The files are free-form
 * JSON and YAML: these describe only the fields the tests rely on, optional where a file may leave them out.
 */

/** A datasource reference: a uid (or variable) string, or an object with type and uid. */
export type DatasourceRef = string | { type?: string; uid?: string };

export interface InfinityColumn {
  selector: string;
  type?: string;
  /** how a text column is parsed as a timestamp (a Go layout, as Infinity's backend parser takes it) */
  timestampFormat?: string;
}

/** A panel target: PromQL ones have expr, Infinity ones url, url_options, root_selector and columns. */
export interface Target {
  refId?: string;
  datasource?: DatasourceRef;
  expr?: string;
  instant?: boolean;
  url?: string;
  url_options?: { params?: Array<{ key: string; value: string }> };
  root_selector?: string;
  columns?: InfinityColumn[];
}

export interface FieldOverride {
  matcher: { id?: string; options?: unknown };
  properties: Array<{ id: string; value?: unknown }>;
}

/** A value mapping of the `mappings` field property (type "value": options by raw value). */
export interface ValueMapping {
  type?: string;
  options?: Record<string, { text?: string }>;
}

export interface Panel {
  id?: number;
  title: string;
  type: string;
  datasource?: DatasourceRef;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  /** a row's collapsed panels */
  panels?: Panel[];
  fieldConfig?: { overrides: FieldOverride[] };
}

export interface TemplateVariable {
  name: string;
  type?: string;
  datasource?: DatasourceRef;
  /** text for custom variables, text or { query } for query variables */
  query?: string | { query?: string };
  current?: { text?: string; value?: string };
  options?: Array<{ value: string }>;
}

export interface DashboardJson {
  uid: string;
  title: string;
  schemaVersion?: number;
  __inputs?: unknown;
  panels?: Panel[];
  templating?: { list?: TemplateVariable[] };
  annotations?: { list?: Array<{ name?: string; datasource?: DatasourceRef }> };
}

export interface PluginJson {
  id: string;
}

/** A Prometheus rule file. */
export interface PromRuleFile {
  groups: Array<{ name?: string; interval?: string; rules: Array<{ record?: string; alert?: string; expr: string }> }>;
}

export interface PromConfigFile {
  scrape_configs: Array<{
    job_name: string;
    static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
  }>;
}

/** promtool's unit test file. */
export interface PromUnitTestFile {
  tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
}

/** A data node of a Grafana-managed alert rule: a Prometheus query or a reduce/threshold expression. */
export interface GrafanaAlertQuery {
  refId: string;
  datasourceUid: string;
  model: {
    expr?: string;
    type?: string;
    expression?: string;
    conditions?: Array<{ evaluator: { type: string; params: unknown[] } }>;
  };
}

/** Open to other fields: the schema tests add misspelt ones and change types on purpose. */
export interface GrafanaAlertRule {
  uid: string;
  title: string;
  condition: string;
  for?: string;
  dashboardUid?: string;
  panelId?: number;
  annotations: Record<string, string>;
  data: GrafanaAlertQuery[];
  [field: string]: unknown;
}

export interface GrafanaAlertFile {
  groups: Array<{ folder: string; rules: GrafanaAlertRule[] }>;
}

export interface DatasourcesFile {
  datasources: Array<{ uid: string; url?: string }>;
}

export interface DashboardProvidersFile {
  providers: Array<{ folder?: string; folderUid?: string; options: { path: string } }>;
}

export interface ContactPointsFile {
  contactPoints: Array<{ name: string }>;
}

export interface NotificationRoute {
  receiver?: string;
  routes?: NotificationRoute[];
}

export interface PoliciesFile {
  policies: NotificationRoute[];
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  /** short ("src:dst:mode") or long (object) syntax */
  volumes?: unknown[];
  environment?: Record<string, string>;
  ports?: string[];
}

export interface ComposeFile {
  services: { exporter: ComposeService; grafana: ComposeService; [name: string]: ComposeService };
}

/** The exporter's YAML config, as far as the live stack overrides it. */
export interface ExporterConfigFile {
  prometheus?: Record<string, unknown>;
  carbonIntensity?: Record<string, unknown>;
  server?: Record<string, unknown>;
  [key: string]: unknown;
}
