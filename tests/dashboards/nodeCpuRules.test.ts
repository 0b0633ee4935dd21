/** The node-cpu recording rules must classify modes exactly as exporter/src/model/modes.ts does. */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { BUSY_MODES, IDLE_MODES, modeRegex } from '../../exporter/src/model/modes';
import type { PromRuleFile } from './support/shapes';

const file = path.resolve(__dirname, '../../provisioning/prometheus/rules/ada-carbon-node-cpu.yml');

it('uses the busy and idle mode lists of model/modes.ts', () => {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as PromRuleFile;
  const expr = doc.groups[0]!.rules.find((r) => r.record === 'instance_state:node_cpu_seconds:sum_at_30m')!.expr;
  expect(expr).toContain(`mode=~"${modeRegex('busy')}"}))[30m:30m]), "state", "busy"`);
  expect(expr).toContain(`mode=~"${modeRegex('idle')}"}))[30m:30m]), "state", "idle"`);
  expect(expr).toContain(`mode!~"${[...BUSY_MODES, ...IDLE_MODES].join('|')}"`);
});

it('evaluates the group under the 5-min lookback the backfill reads with (with a minute to spare)', () => {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as PromRuleFile;
  const m = /^(\d+)(s|m)$/.exec(String(doc.groups[0]!.interval))!;
  const seconds = Number(m[1]) * (m[2] === 'm' ? 60 : 1);
  expect(seconds).toBeGreaterThanOrEqual(60);
  expect(seconds).toBeLessThanOrEqual(240);
});
