/** The shipped Prometheus config and rules through promtool: syntax, naming lint, and unit tests of every alert. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { requireBinary } from '../harness/binaries';
import { PROM_RULES_DIR, PROVISIONING_DIR, prometheusRules, readYaml, yamlFiles } from './support/artifacts';
import { tempDir } from '../../exporter/test/support/app';
import type { PromUnitTestFile } from './support/shapes';

function promtool(args: string[], cwd?: string): { code: number; out: string } {
  const r = spawnSync(requireBinary('promtool'), args, { encoding: 'utf8', cwd });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}
const TESTS_DIR = path.join(PROVISIONING_DIR, 'prometheus/tests');

describe('promtool', () => {
  it('check rules accepts every rule file', () => {
    const r = promtool(['check', 'rules', ...yamlFiles(PROM_RULES_DIR)]);
    expect(r.out).not.toMatch(/FAILED|error/i);
    expect(r.code).toBe(0);
    expect(r.out.match(/SUCCESS: (\d+) rules found/g)).toHaveLength(yamlFiles(PROM_RULES_DIR).length);
  });

  it('check config accepts prometheus.yml with the rule files where compose mounts them', () => {
    const dir = tempDir('ada-carbon-promcfg-');
    const text = fs
      .readFileSync(path.join(PROVISIONING_DIR, 'prometheus/prometheus.yml'), 'utf8')
      .replaceAll('/etc/prometheus/rules', PROM_RULES_DIR);
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), text);
    const r = promtool(['check', 'config', path.join(dir, 'prometheus.yml')]);
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  it('test rules passes, and fails when a rule changes (the tests can fail)', () => {
    const files = fs.readdirSync(TESTS_DIR).filter((f) => f.endsWith('.test.yml'));
    expect(files.length).toBe(2);
    const r = promtool(['test', 'rules', ...files], TESTS_DIR);
    expect(r.out).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);

    // same tests against a copy of the alerts with the idle threshold moved: must fail
    const dir = tempDir('ada-carbon-promtest-');
    fs.mkdirSync(path.join(dir, 'rules'));
    fs.mkdirSync(path.join(dir, 'tests'));
    for (const f of fs.readdirSync(PROM_RULES_DIR)) {
      fs.writeFileSync(
        path.join(dir, 'rules', f),
        fs
          .readFileSync(path.join(PROM_RULES_DIR, f), 'utf8')
          .replace('ada_carbon_workspace_idle_ratio[30m]) > 0.9', 'ada_carbon_workspace_idle_ratio[30m]) > 0.99')
      );
    }
    fs.copyFileSync(path.join(TESTS_DIR, 'ada-carbon-alerts.test.yml'), path.join(dir, 'tests/a.test.yml'));
    const bad = promtool(['test', 'rules', 'a.test.yml'], path.join(dir, 'tests'));
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/AdaCarbonWorkspaceIdle/);
  });

  it('every alert has a firing case and a not-firing case in the unit tests', () => {
    const alerts = prometheusRules()
      .filter((r) => r.kind === 'alert')
      .map((r) => r.name);
    const doc = readYaml<PromUnitTestFile>(path.join(TESTS_DIR, 'ada-carbon-alerts.test.yml'));
    const cases = doc.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const a of alerts) {
      const mine = cases.filter((c) => c.alertname === a);
      expect([a, mine.some((c) => c.exp_alerts.length > 0)]).toEqual([a, true]);
      expect([a, mine.some((c) => c.exp_alerts.length === 0)]).toEqual([a, true]);
    }
  });

  it('recording rule names follow level:metric:operations and keep the base unit', () => {
    for (const r of prometheusRules().filter((x) => x.kind === 'record')) {
      // the exporter's series, or the node-cpu sums the history backfill reads (ada-carbon-node-cpu.yml)
      expect(r.name).toMatch(
        /^[a-z_]+:(ada_carbon_workspace_[a-z_]+_(joules|grams|watts):(increase1h|sum)|node_cpu(s|_seconds):(sum|count)_at_30m)$/
      );
      if (r.name.includes(':node_cpu')) continue; // `without (cpu, mode)`: every target label is kept
      const level = r.name
        .split(':')[0]!
        .split('_')
        .filter((l) => l !== 'state');
      for (const l of level) expect(r.expr).toContain(l);
    }
  });
});
