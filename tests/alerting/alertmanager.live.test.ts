/**
 * The shipped Prometheus alert rules, evaluated by a real Prometheus, reach a real Alertmanager routed by the shipped
 * alertmanager.yml, which delivers them to a webhook: firing, then resolved.
 *
 * Changed from what ships, and why:
 * - the rule file is a copy with every `for:` shortened to a few seconds (nothing else differs, checked below); the
 *   minutes and hours of `for` are covered by the promtool rule tests in provisioning/prometheus/tests;
 * - in alertmanager.yml the receiver gets a webhook_config (the trial receiver has no integration), and group_wait,
 *   group_interval, repeat_interval and resolve_timeout are seconds; the route's group_by is the shipped one;
 * - the exporter is a stand-in target serving the gauges the rules read, so the test sets them directly.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { startAlertmanager, type RunningAlertmanager } from '../harness/alertmanager';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus';
import {
  alertsNamed,
  startWebhookReceiver,
  type AlertStatus,
  type ReceivedPayload,
  type WebhookAlert,
  type WebhookReceiver,
} from '../harness/webhook';
import {
  ALERT_RULES_PATH,
  renderLabelsOnly,
  rulesWithShortFor,
  shippedAlertRules,
  shippedConfigWithWebhook,
  type AlertRule,
} from './support/alertingSetup';
import { startGaugeStandIn, type RunningGaugeStandIn } from './support/gaugeStandIn';

const SHORT_FOR_SECONDS = 3;
const SITE = 'isis';
const JOB = 'ada-carbon';
const WAIT_MS = 20000;

const SOURCE_DOWN = 'AdaCarbonSourceDown';
const FORECAST_DOWN = 'AdaCarbonForecastDown';
const DOWN_SOURCE = 'carbon_intensity';
const AREA = 'national';

/** Measured milliseconds, printed at the end for the notes. */
const timings: Record<string, number> = {};

async function waitUntil(probe: () => Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** GET /api/v1/alerts: what Prometheus holds now, with activeAt (when the rule began to match). */
async function prometheusAlerts(
  promUrl: string
): Promise<{ labels: Record<string, string>; state: string; activeAt: string }[]> {
  const res = await fetch(`${promUrl}/api/v1/alerts`);
  const body = (await res.json()) as {
    data: { alerts: { labels: Record<string, string>; state: string; activeAt: string }[] };
  };
  return body.data.alerts;
}

describe('shipped alert rules through a real Alertmanager to a webhook', () => {
  const rules = shippedAlertRules();
  let workDir: string;
  let hook: WebhookReceiver;
  let am: RunningAlertmanager;
  let prom: RunningPrometheus;
  let exporter: RunningGaugeStandIn;
  let groupBy: string[];
  const startedAtMs = Date.now();
  let rulesLoadedAtMs = 0;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-alerting-'));
    const rulesPath = path.join(workDir, 'ada-carbon-alerts.yml');
    // No rules until the target has been scraped: Prometheus' first scrape comes seconds after start, and until then
    // AdaCarbonExporterAbsent would rightly match, and fire within the short `for`.
    fs.writeFileSync(rulesPath, 'groups: []\n');

    hook = await startWebhookReceiver();
    const amConfig = shippedConfigWithWebhook(hook.url, {
      groupWait: '1s',
      groupInterval: '1s',
      repeatInterval: '1h',
      resolveTimeout: '10s',
    });
    groupBy = (amConfig.route as { group_by: string[] }).group_by;
    am = await startAlertmanager({ config: amConfig });

    // The prometheus and store sources are up, the carbon intensity API and the national forecast are down.
    exporter = await startGaugeStandIn([
      { name: 'ada_carbon_build_info', help: 'Always 1.', labels: { version: 'test', nodejs_version: 'v0' }, value: 1 },
      ...['prometheus', DOWN_SOURCE, 'store'].map((source) => ({
        name: 'ada_carbon_source_up',
        help: '1 when the last call to the source succeeded, else 0.',
        labels: { source },
        value: source === DOWN_SOURCE ? 0 : 1,
      })),
      { name: 'ada_carbon_grid_forecast_up', help: '1 when refreshed.', labels: { area: AREA }, value: 0 },
    ]);
    prom = await startPrometheus({
      scrapeIntervalSeconds: 1,
      evaluationIntervalSeconds: 1,
      ruleFiles: [rulesPath],
      alertmanagerUrl: am.url,
      // A reload re-discovers the Alertmanager only after a few seconds, and an alert that fires meanwhile is sent
      // again only after the resend delay (1 minute by default); Alertmanager deduplicates the repeats.
      extraArgs: ['--rules.alert.resend-delay=1s'],
      // site is a target label, as where several exporters report to one Prometheus.
      scrapeConfigs: [{ job_name: JOB, static_configs: [{ targets: [exporter.target], labels: { site: SITE } }] }],
    });
    await waitUntil(async () => (await prom.query('ada_carbon_build_info')).result.length > 0, 'the first scrape');
    fs.writeFileSync(rulesPath, rulesWithShortFor(`${SHORT_FOR_SECONDS}s`));
    const reload = await fetch(`${prom.url}/-/reload`, { method: 'POST' });
    expect(reload.status).toBe(200);
    await waitUntil(async () => {
      const res = await fetch(`${prom.url}/api/v1/rules?type=alert`);
      const body = (await res.json()) as { data: { groups: { rules: unknown[] }[] } };
      return body.data.groups.flatMap((g) => g.rules).length === rules.size;
    }, 'the alert rules to load');
    rulesLoadedAtMs = Date.now();
  }, 60000);

  afterAll(async () => {
    await prom?.stop();
    await am?.stop();
    await exporter?.stop();
    await hook?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  const waitForAlert = (alertname: string, status: AlertStatus): Promise<ReceivedPayload> =>
    hook.waitFor((p) => alertsNamed(p, alertname, status).length > 0, {
      what: `${alertname} ${status}`,
      timeoutMs: WAIT_MS,
    });

  const onlyAlert = (r: ReceivedPayload, alertname: string, status: AlertStatus): WebhookAlert => {
    const alerts = alertsNamed(r.payload, alertname, status);
    expect(alerts).toHaveLength(1);
    return alerts[0] as WebhookAlert;
  };

  /** Labels Prometheus gives the alert: the series' own and its target's, plus alertname and the rule's labels. */
  const expectedLabels = (rule: AlertRule, seriesLabels: Record<string, string>): Record<string, string> => ({
    ...seriesLabels,
    instance: exporter.target,
    job: JOB,
    site: SITE,
    ...rule.labels,
    alertname: rule.alert,
  });

  /** Every annotation the rule defines, rendered; none it does not define. */
  const expectAnnotations = (got: Record<string, string>, rule: AlertRule, labels: Record<string, string>): void => {
    const defined = rule.annotations ?? {};
    expect(Object.keys(got).sort()).toEqual(Object.keys(defined).sort());
    for (const [key, template] of Object.entries(defined)) {
      const rendered = renderLabelsOnly(template, labels);
      if (rendered !== undefined) expect(got[key]).toBe(rendered);
      else expect(got[key]).not.toMatch(/\{\{|<no value>/);
    }
  };

  const expectedGroupLabels = (labels: Record<string, string>): Record<string, string> =>
    Object.fromEntries(groupBy.filter((l) => labels[l] !== undefined).map((l) => [l, labels[l] as string]));

  it('loads a copy of the shipped rules that differs only in `for`', () => {
    const shipped = parse(fs.readFileSync(ALERT_RULES_PATH, 'utf8')) as { groups: { rules: AlertRule[] }[] };
    const copy = parse(rulesWithShortFor(`${SHORT_FOR_SECONDS}s`)) as typeof shipped;
    const withoutFor = (doc: typeof shipped) =>
      doc.groups.map((g) => ({ ...g, rules: g.rules.map(({ for: _f, ...rest }) => rest) }));
    expect(withoutFor(copy)).toEqual(withoutFor(shipped));
    expect(copy.groups.flatMap((g) => g.rules.map((r) => r.for))).toEqual(
      shipped.groups.flatMap((g) => g.rules.map((r) => (r.for === undefined ? undefined : `${SHORT_FOR_SECONDS}s`)))
    );
    expect(rules.get(SOURCE_DOWN)?.for).toBe('10m');
  });

  it(`delivers ${SOURCE_DOWN} for the down source as firing, with the rule's labels and annotations`, async () => {
    const rule = rules.get(SOURCE_DOWN) as AlertRule;
    const r = await waitForAlert(SOURCE_DOWN, 'firing');
    const alert = onlyAlert(r, SOURCE_DOWN, 'firing');
    const labels = expectedLabels(rule, { source: DOWN_SOURCE });
    expect(alert.labels).toEqual(labels);
    expect(labels.severity).toBe('warning');
    expectAnnotations(alert.annotations, rule, labels);
    expect(alert.annotations.summary).toContain(DOWN_SOURCE);
    expect(r.payload).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'ada-carbon-operators',
      groupLabels: expectedGroupLabels(labels),
      externalURL: am.url,
    });
    expect(r.payload.groupLabels).toEqual({ alertname: SOURCE_DOWN, site: SITE, source: DOWN_SOURCE });
    // The link back is to this Prometheus' graph of the rule's expression.
    const generator = new URL(alert.generatorURL);
    expect(generator.port).toBe(String(prom.port));
    expect(generator.searchParams.get('g0.expr')).toBe(rule.expr);
    // startsAt is when the alert fired: the (shortened) `for` after the rule began to match.
    const held = (await prometheusAlerts(prom.url)).find((a) => a.labels.alertname === SOURCE_DOWN);
    expect(held?.state).toBe('firing');
    const pendingMs = Date.parse(alert.startsAt) - Date.parse(held?.activeAt ?? '');
    expect(pendingMs).toBeGreaterThanOrEqual(SHORT_FOR_SECONDS * 1000);
    expect(pendingMs).toBeLessThan(SHORT_FOR_SECONDS * 1000 + 3000);
    timings.sourceDownRulesLoadedToDeliveredMs = r.receivedAtMs - rulesLoadedAtMs;
    timings.sourceDownFiredToDeliveredMs = r.receivedAtMs - Date.parse(alert.startsAt);
  });

  it(`delivers ${FORECAST_DOWN} in a group of its own, with the area and the rule's annotations`, async () => {
    const rule = rules.get(FORECAST_DOWN) as AlertRule;
    const r = await waitForAlert(FORECAST_DOWN, 'firing');
    const alert = onlyAlert(r, FORECAST_DOWN, 'firing');
    const labels = expectedLabels(rule, { area: AREA });
    expect(alert.labels).toEqual(labels);
    expectAnnotations(alert.annotations, rule, labels);
    expect(r.payload.alerts).toHaveLength(1);
    expect(r.payload.groupLabels).toEqual(expectedGroupLabels(labels));
  });

  it('resolves both once the gauges read 1 again, for the same alerts', async () => {
    const sourceFired = await waitForAlert(SOURCE_DOWN, 'firing');
    const forecastFired = await waitForAlert(FORECAST_DOWN, 'firing');
    const recoveredAtMs = Date.now();
    exporter.set('ada_carbon_source_up', { source: DOWN_SOURCE }, 1);
    exporter.set('ada_carbon_grid_forecast_up', { area: AREA }, 1);

    const [sourceResolved, forecastResolved] = await Promise.all([
      waitForAlert(SOURCE_DOWN, 'resolved'),
      waitForAlert(FORECAST_DOWN, 'resolved'),
    ]);
    for (const [r, name, fired] of [
      [sourceResolved, SOURCE_DOWN, sourceFired],
      [forecastResolved, FORECAST_DOWN, forecastFired],
    ] as const) {
      const alert = onlyAlert(r, name, 'resolved');
      const firing = onlyAlert(fired, name, 'firing');
      expect(r.payload.status).toBe('resolved');
      // The same group of the shipped route, now resolved.
      expect(r.payload.groupKey).toBe(fired.payload.groupKey);
      expect(r.payload.groupLabels).toEqual(fired.payload.groupLabels);
      expect(alert.fingerprint).toBe(firing.fingerprint);
      expect(alert.labels).toEqual(firing.labels);
      expect(alert.annotations).toEqual(firing.annotations);
      expect(alert.startsAt).toBe(firing.startsAt);
      // Prometheus sets endsAt to when the rule stopped matching, after the gauge changed.
      expect(Date.parse(alert.endsAt)).toBeGreaterThanOrEqual(recoveredAtMs - 1000);
      expect(r.receivedAtMs).toBeGreaterThanOrEqual(recoveredAtMs);
      timings[`${name}ResolvedAfterRecoveryMs`] = r.receivedAtMs - recoveredAtMs;
    }
  });

  it('delivers nothing for the sources that stayed up nor for the other rules', () => {
    const delivered = new Set<string>();
    for (const { payload } of hook.received())
      for (const a of payload.alerts) delivered.add(`${a.labels.alertname}/${a.labels.source ?? a.labels.area}`);
    expect([...delivered].sort()).toEqual([`${FORECAST_DOWN}/${AREA}`, `${SOURCE_DOWN}/${DOWN_SOURCE}`]);
    expect(hook.rejected()).toEqual([]);
    expect(exporter.scrapes()).toBeGreaterThan(3);
    // The whole exchange, Prometheus start included, takes seconds.
    timings.totalMs = Date.now() - startedAtMs;
    expect(timings.totalMs).toBeLessThan(45000);
    console.log(`alerting timings (ms): ${JSON.stringify(timings)}`);
  });
});
