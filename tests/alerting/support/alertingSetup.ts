import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../../fixtures/paths';

export const ALERT_RULES_PATH = path.join(REPO_ROOT, 'provisioning/prometheus/rules/ada-carbon-alerts.yml');
export const ALERTMANAGER_CONFIG_PATH = path.join(REPO_ROOT, 'provisioning/alertmanager/alertmanager.yml');

/** One alerting rule as the rule file writes it. */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleFile {
  groups: { name: string; interval?: string; rules: AlertRule[] }[];
}

function readRuleFile(text: string, source: string): RuleFile {
  const doc = parse(text) as unknown;
  const groups = (doc as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) throw new Error(`${source}: no "groups" list`);
  return doc as RuleFile;
}

/** Every alerting rule of the shipped file, by alertname. */
export function shippedAlertRules(): Map<string, AlertRule> {
  const file = readRuleFile(fs.readFileSync(ALERT_RULES_PATH, 'utf8'), ALERT_RULES_PATH);
  const rules = new Map<string, AlertRule>();
  for (const group of file.groups) for (const rule of group.rules) if (rule.alert) rules.set(rule.alert, rule);
  return rules;
}

/**
 * The shipped alert rules with every `for:` set to `shortFor` and nothing else changed, so that a live test sees them
 * fire within seconds (what `for` itself does over minutes and hours is covered by the promtool rule tests).
 */
export function rulesWithShortFor(shortFor: string): string {
  const file = readRuleFile(fs.readFileSync(ALERT_RULES_PATH, 'utf8'), ALERT_RULES_PATH);
  for (const group of file.groups) for (const rule of group.rules) if (rule.for !== undefined) rule.for = shortFor;
  return stringify(file);
}

export interface AlertmanagerTimers {
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  resolveTimeout: string;
}

/**
 * The shipped alertmanager.yml with its receiver given a webhook integration (the trial receiver has none) and the
 * route's timers shortened; its grouping (group_by) and receiver name stay as shipped.
 */
export function shippedConfigWithWebhook(webhookUrl: string, timers: AlertmanagerTimers): Record<string, unknown> {
  const config = parse(fs.readFileSync(ALERTMANAGER_CONFIG_PATH, 'utf8')) as {
    global?: Record<string, unknown>;
    route?: Record<string, unknown>;
    receivers?: { name: string }[];
  };
  const receiverName = config.route?.receiver;
  if (typeof receiverName !== 'string') throw new Error(`${ALERTMANAGER_CONFIG_PATH}: route has no receiver`);
  const receivers = config.receivers ?? [];
  if (!receivers.some((r) => r.name === receiverName))
    throw new Error(`${ALERTMANAGER_CONFIG_PATH}: receiver ${receiverName} is not defined`);
  return {
    ...config,
    global: { ...config.global, resolve_timeout: timers.resolveTimeout },
    route: {
      ...config.route,
      group_wait: timers.groupWait,
      group_interval: timers.groupInterval,
      repeat_interval: timers.repeatInterval,
    },
    receivers: receivers.map((r) =>
      r.name === receiverName ? { ...r, webhook_configs: [{ url: webhookUrl, send_resolved: true }] } : r
    ),
  };
}

/**
 * What Prometheus makes of an annotation template that uses only `{{ $labels.name }}`; undefined when the template uses
 * anything else ($value, functions), which the caller then checks another way.
 */
export function renderLabelsOnly(template: string, labels: Record<string, string>): string | undefined {
  const rendered = template.replace(/\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_m, name: string) => {
    return labels[name] ?? '';
  });
  return rendered.includes('{{') ? undefined : rendered;
}
