/**
 * The metric contract, pinned: a fixed snapshot rendered by the real registry must equal the golden exposition file
 * (names, HELP, TYPE, labels, escaping), and promtool must accept it. UPDATE_GOLDEN=1 rewrites the file after a
 * deliberate change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createMetrics, GREEN_METRIC_NAMES, METRIC_NAMES } from '../../src/metrics/registry';
import { emptySnapshot, type TrackingSnapshot } from '../../src/tracking/snapshot';
import type { WorkspaceState } from '../../src/tracking/types';
import { promtoolCheckMetrics } from '../support/promtool';

// with metrics.userLabel: true; the default (no user names) has its own file
const GOLDEN = path.resolve(__dirname, '../fixtures/metrics.golden.prom');
const GOLDEN_NO_USER = path.resolve(__dirname, '../fixtures/metrics.nouser.golden.prom');

const ws = (over: Partial<WorkspaceState>): WorkspaceState => ({
  id: 'node|h:9100|1000',
  job: 'node',
  instance: 'h:9100',
  site: 'isis',
  project: 'IDAaaS',
  machine: 'Muon',
  host: '172.16.0.1',
  user: 'unknown',
  experiment: 'unknown',
  startedAtSeconds: 1_790_000_000,
  cpus: 4,
  firstSeenSeconds: 1_790_000_100,
  lastSeenSeconds: 1_790_003_600,
  lastBusyCpuSeconds: 0,
  lastIdleCpuSeconds: 0,
  busyCpuSecondsTotal: 1000,
  idleCpuSecondsTotal: 13400,
  busyJoules: 12000,
  idleJoules: 19296,
  busyGrams: 0.5,
  idleGrams: 0.75,
  fallbackGrams: 0,
  powerWatts: 8.75,
  idlePowerWatts: 5.5,
  idleRatio: 0.93,
  status: 'active',
  partial: false,
  ...over,
});

function snapshot(): TrackingSnapshot & { version: number } {
  const base = emptySnapshot();
  return {
    ...base,
    version: 1,
    generatedAtSeconds: 1_790_003_600,
    workspaces: [
      ws({}),
      ws({
        id: 'b',
        host: 'ws-2',
        site: 'clf',
        project: 'CDAaaS',
        machine: 'Artemis "v2" \\ (Matlab)\nnew',
        user: 'zoë',
        idleRatio: null,
        fallbackGrams: 0.25,
        status: 'missing',
        partial: true,
      }),
    ],
    intensity: {
      national: {
        area: 'national',
        gramsPerKwh: 143,
        fromSeconds: 1_790_003_400,
        toSeconds: 1_790_005_200,
        source: 'forecast',
        fallback: false,
      },
    },
    sources: {
      prometheus: { up: true, lastSuccessSeconds: 1_790_003_600, lastDurationSeconds: 0.25 },
      carbon_intensity: { up: false, lastError: 'http: HTTP 500', lastDurationSeconds: 1 },
      store: { up: true, lastSuccessSeconds: 1_790_003_600, lastDurationSeconds: 0.01 },
    },
  };
}

async function render(userLabel = true): Promise<string> {
  const snap = snapshot();
  const m = createMetrics(() => snap, '0.0.0-test', undefined, { userLabel });
  m.onCycle({ atSeconds: 1_790_003_600, ok: true, durationSeconds: 0.3, queries: 5 });
  await m.render();
  // a second rendering of the same snapshot is served from cache; the bump makes a fresh one that reports the first's duration
  snap.version += 1;
  return m.render();
}

/** the exposition without the values that differ between machines and runs */
function stable(text: string): string {
  return text
    .replace(/nodejs_version="[^"]*"/, 'nodejs_version="vX"')
    .replace(/^(ada_carbon_metrics_render_duration_seconds) .*$/m, '$1 X');
}

describe('metric exposition', () => {
  it('matches the golden file', async () => {
    const text = stable(await render());
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, text);
    expect(text).toBe(fs.readFileSync(GOLDEN, 'utf8'));
  });

  it('matches the second golden file without metrics.userLabel: no user label, no user name', async () => {
    const text = stable(await render(false));
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN_NO_USER, text);
    expect(text).toBe(fs.readFileSync(GOLDEN_NO_USER, 'utf8'));
    expect(text).not.toMatch(/\buser="/);
    expect(text).not.toContain('zoë');
    // the same series, one label fewer
    const series = (t: string) => t.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    expect(series(text)).toBe(series(stable(await render(true))));
  });

  it('drops the user label by default (createMetrics without options)', async () => {
    const snap = snapshot();
    const text = await createMetrics(() => snap, '0.0.0-test').render();
    expect(text).not.toMatch(/\buser="/);
    expect(promtoolCheckMetrics(text)).toBe('');
  });

  it('pins exactly the declared families, less the greener choices the forecast plugin adds', () => {
    const families = [...fs.readFileSync(GOLDEN, 'utf8').matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
    expect(families).toEqual(METRIC_NAMES.filter((n) => !GREEN_METRIC_NAMES.includes(n)));
  });

  it('renders once per snapshot version and shares the text between scrapes', async () => {
    const snap = snapshot();
    const m = createMetrics(() => snap, '0.0.0-test');
    const a = m.render();
    expect(m.render()).toBe(a);
    const before = await a;
    snap.workspaces = [{ ...snap.workspaces[0]!, powerWatts: 99.5 }];
    expect(await m.render()).toBe(before);
    snap.version += 1;
    const after = await m.render();
    expect(after).toMatch(/ada_carbon_workspace_power_watts\{[^}]*\} 99.5$/m);
    expect(after).not.toContain('ws-2');
  });

  it('passes promtool check metrics', async () => {
    expect(promtoolCheckMetrics(await render())).toBe('');
    expect(promtoolCheckMetrics(await render(false))).toBe('');
  });

  it('says the unit in every HELP line and follows the naming rules', async () => {
    const text = await render();
    const helps = text.split('\n').filter((l) => l.startsWith('# HELP '));
    expect(helps.length).toBeGreaterThanOrEqual(16);
    for (const h of helps) {
      const name = h.split(' ')[2]!;
      expect(name).toMatch(/^ada_carbon_[a-z_]+$/);
      if (/_joules/.test(name)) expect(h).toMatch(/joules/);
      if (/_grams/.test(name)) expect(h).toMatch(/grams/);
      if (/_watts/.test(name)) expect(h).toMatch(/watts/);
      if (/_seconds/.test(name)) expect(h).toMatch(/seconds/i);
    }
    expect(text).not.toMatch(/\b(instance|job)="/);
  });

  it('renders the escaped label values of hostile strings', async () => {
    const text = await render();
    expect(text).toContain('machine="Artemis \\"v2\\" \\\\ (Matlab)\\nnew"');
    expect(text).toContain('user="zoë"');
  });
});
