// The compose trial as an operator runs it: every service says when it is healthy, start order waits for health,
// the exporter really uses the trial's MongoDB, and Prometheus alerts reach the Alertmanager service.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { envBindings, loadConfig } from '../../exporter/src/config';
import { REPO_ROOT } from '../fixtures/paths';

interface Service {
  image?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[]; interval?: string; retries?: number };
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
  volumes?: string[];
}
const read = (rel: string): string => readFileSync(path.join(REPO_ROOT, rel), 'utf8');
const compose = YAML.parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const services = compose.services;

describe('docker-compose.yml health and wiring', () => {
  it.each(Object.keys(services))('%s has a healthcheck command', (name) => {
    const hc = services[name]!.healthcheck;
    expect(hc?.test[0]).toBe('CMD');
    expect(hc!.test.length).toBeGreaterThan(1);
  });

  it('every dependency waits until the service it needs is healthy, and names a real service', () => {
    const deps = Object.entries(services).flatMap(([name, s]) =>
      Object.entries(Array.isArray(s.depends_on) ? {} : (s.depends_on ?? {})).map(([on, d]) => [name, on, d.condition])
    );
    expect(deps.length).toBeGreaterThanOrEqual(5);
    for (const [name, on, condition] of deps) {
      expect([name, on, condition, on! in services]).toEqual([name, on, 'service_healthy', true]);
    }
    for (const s of Object.values(services)) expect(Array.isArray(s.depends_on)).toBe(false);
  });

  it("the exporter's environment is all keys it reads, its store is the trial's MongoDB, with retryable writes", () => {
    const env = services.exporter!.environment!;
    const known = new Set(envBindings().map((b) => b.env));
    for (const k of Object.keys(env)) expect([k, known.has(k)]).toEqual([k, true]);
    const cfg = loadConfig({
      file: path.join(REPO_ROOT, 'provisioning/exporter/ada-carbon.yaml'),
      env: { ADA_CARBON_STORE_MONGODB_URL: env.ADA_CARBON_STORE_MONGODB_URL },
      cwd: path.join(REPO_ROOT, 'provisioning/exporter'),
    }).config;
    const url = new URL(cfg.store.mongodb.url!);
    expect([url.protocol, url.hostname, url.searchParams.get('retryWrites')]).toEqual(['mongodb:', 'mongodb', 'true']);
  });

  it("the exporter's healthcheck asks its /readyz on the configured port", () => {
    const cfg = loadConfig({
      file: path.join(REPO_ROOT, 'provisioning/exporter/ada-carbon.yaml'),
      env: {},
      cwd: path.join(REPO_ROOT, 'provisioning/exporter'),
    }).config;
    expect(services.exporter!.healthcheck!.test.join(' ')).toContain(`http://127.0.0.1:${cfg.server.port}/readyz`);
  });

  it('Prometheus sends alerts to the Alertmanager service, whose config amtool accepts', () => {
    const prom = YAML.parse(read('provisioning/prometheus/prometheus.yml')) as {
      alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    };
    const targets = prom.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets));
    expect(targets).toEqual(['alertmanager:9093']);
    const am = services.alertmanager!;
    expect(am.ports).toContain('127.0.0.1:9093:9093');
    const mounted = am.volumes!.find((v) => v.endsWith(':/etc/alertmanager/alertmanager.yml:ro'))!.split(':')[0]!;
    const out = execFileSync('amtool', ['check-config', path.join(REPO_ROOT, mounted)], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS/);
    expect(out).toMatch(/1 receivers/);
  });
});
