/**
 * `ada-carbon report` end to end on a synthetic fleet written into the real usage store (SQLite), with the carbon API
 * replayed locally; every field is checked against figures worked out here from the fleet's definition.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { runCli } from '../../src/cli';
import { SqliteUsageStore } from '../../src/store/usage';
import type { HourResult, UsageRow } from '../../src/history/types';
import { startCarbonServer, type CarbonServer } from '../../../tests/harness/carbonServer';
import { tempDir } from '../support/app';

const START = Date.parse('2026-11-02T00:00:00Z') / 1000;
const HOURS = 48;
const FALLBACK_HOUR = 5;
const FAILED_HOUR = 10;
const KWH = 3.6e6;

/** The fields of `report --format json` this file reads (the report's own keys, not the REST ones). */
interface ReportJson {
  totals: { busy_kwh: number; idle_kwh: number; gco2e: number };
  idle: { idle_share: number | null; now: unknown };
  contributors: Array<{ level: string; items: Array<{ name: string; kwh: number }> }>;
  data_quality: { fallback_gco2e: number; line: string };
  advice: { area: string; windows: Array<{ duration: string }> };
  equivalencies: { items: Array<{ id: string }> };
}

// who used what each hour: [user, project, site, machine, busy kWh, idle kWh, busy g, idle g]
const FLEET = [
  ['alice', 'IDAaaS', 'isis', 'Muon', 0.1, 0.2, 20, 40],
  ['bob', 'IDAaaS', 'isis', 'SANS', 0, 0.1, 0, 20],
  ['carol', 'CDAaaS', 'clf', 'Artemis (Matlab)', 0.5, 0.1, 100, 20],
] as const;

function hourResult(h: number): HourResult {
  const t = START + h * 3600;
  if (h === FAILED_HOUR)
    return {
      scope: '*',
      hourStartSeconds: t,
      status: 'failed',
      error: 'prometheus: timeout',
      sumCheckRatio: null,
      rows: [],
    };
  const fallback = h === FALLBACK_HOUR;
  const rows: UsageRow[] = [];
  for (const [user, project, site, machine, bk, ik, bg, ig] of FLEET) {
    const figures = {
      busyCpuSeconds: bk * 1000,
      idleCpuSeconds: ik * 1000,
      busyJoules: bk * KWH,
      idleJoules: ik * KWH,
      busyGrams: bg,
      idleGrams: ig,
      fallbackGrams: fallback ? bg + ig : 0,
    };
    for (const [level, key] of [
      ['site', site],
      ['project', project],
      ['user', user],
      ['machine', machine],
    ] as const) {
      rows.push({ level, key, project, machine, hourStartSeconds: t, ...figures });
    }
  }
  return { scope: '*', hourStartSeconds: t, status: fallback ? 'fallback' : 'ok', sumCheckRatio: 1, rows };
}

let carbon: CarbonServer;
let dir: string;

beforeAll(async () => {
  carbon = await startCarbonServer();
  dir = tempDir();
  const db = path.join(dir, 'store.sqlite');
  const store = SqliteUsageStore.open(db);
  await store.writeHours(Array.from({ length: HOURS }, (_, h) => hourResult(h)));
  await store.close();
  fs.writeFileSync(
    path.join(dir, 'ada-carbon.yaml'),
    YAML.stringify({
      carbonIntensity: { url: carbon.url, cacheSeconds: 0 },
      store: { sqlite: { path: db } },
      logLevel: 'silent',
      history: { enabled: false },
    })
  );
});
afterAll(async () => carbon?.stop());

async function report(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['report', ...args], {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: {},
    cwd: dir,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const period = ['--from', '2026-11-02', '--to', '2026-11-03'];

describe('ada-carbon report on a synthetic fleet', () => {
  it('csv: project IDAaaS, field by field', async () => {
    const r = await report('--level', 'project', '--key', 'IDAaaS', ...period, '--format', 'csv');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('section,name,value,unit');
    const cell = (section: string, name: string, unit?: string): string => {
      const hit = lines
        .map((l) => l.split(','))
        .filter((c) => c[0] === section && c[1] === name && (unit === undefined || c[3] === unit));
      expect(hit).toHaveLength(1);
      return hit[0]![2]!;
    };
    const num = (section: string, name: string, unit?: string): number => Number(cell(section, name, unit));
    expect(cell('report', 'from')).toBe('2026-11-02T00:00:00.000Z');
    expect(cell('report', 'to')).toBe('2026-11-04T00:00:00.000Z');
    // 47 estimated hours (one failed) of alice + bob
    expect(num('totals', 'busy_energy')).toBeCloseTo(47 * 0.1, 9);
    expect(num('totals', 'idle_energy')).toBeCloseTo(47 * 0.3, 9);
    expect(num('totals', 'energy')).toBeCloseTo(47 * 0.4, 9);
    expect(num('totals', 'busy_carbon')).toBeCloseTo(47 * 20, 9);
    expect(num('totals', 'idle_carbon')).toBeCloseTo(47 * 60, 9);
    expect(num('totals', 'carbon')).toBeCloseTo(47 * 80, 9);
    expect(num('idle', 'idle_share')).toBeCloseTo(0.75, 12);
    expect(num('equivalencies', 'car_km')).toBeCloseTo((47 * 80) / 170, 9);
    expect(num('equivalencies', 'kettle_boils')).toBeCloseTo((47 * 80) / (0.11 * 129), 9);
    expect(num('equivalencies', 'tree_days')).toBeCloseTo((47 * 80) / 16.4, 9);
    expect(num('contributors_machine', 'Muon', 'kWh')).toBeCloseTo(47 * 0.3, 9);
    expect(num('contributors_machine', 'SANS', 'gCO2e')).toBeCloseTo(47 * 20, 9);
    expect(num('contributors_user', 'alice', 'kWh')).toBeCloseTo(47 * 0.3, 9);
    expect(num('contributors_user', 'bob', 'kWh')).toBeCloseTo(47 * 0.1, 9);
    expect(lines.some((l) => l.includes('carol'))).toBe(false);
    expect(num('data_quality', 'hours_expected')).toBe(48);
    expect(num('data_quality', 'hours_estimated')).toBe(47);
    expect(num('data_quality', 'hours_failed')).toBe(1);
    expect(num('data_quality', 'hours_fallback')).toBe(1);
    expect(num('data_quality', 'hours_missing')).toBe(0);
    expect(num('data_quality', 'fallback_carbon')).toBeCloseTo(60 + 20, 9);
    expect(num('data_quality', 'hours_without_samples')).toBe(0);
    expect(cell('data_quality', 'sum_check_held')).toBe('true');
    for (const d of ['1h', '3h', '8h']) expect(Date.parse(cell('advice_national', `${d}_start`))).toBeGreaterThan(0);
  });

  it('json: user carol, with her project as the top contributor', async () => {
    const r = await report('--level', 'user', '--key', 'carol', ...period, '--format', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as ReportJson;
    expect(j).toMatchObject({
      level: 'user',
      key: 'carol',
      from: '2026-11-02T00:00:00.000Z',
      to: '2026-11-04T00:00:00.000Z',
    });
    expect(j.totals.busy_kwh).toBeCloseTo(47 * 0.5, 9);
    expect(j.totals.idle_kwh).toBeCloseTo(47 * 0.1, 9);
    expect(j.totals.gco2e).toBeCloseTo(47 * 120, 9);
    expect(j.idle.idle_share).toBeCloseTo(0.1 / 0.6, 12);
    expect(j.idle.now).toBeNull(); // no tracking snapshot outside serve: unknown, not zero
    expect(j.contributors.find((c) => c.level === 'project')?.items).toEqual([
      expect.objectContaining({ name: 'CDAaaS', kwh: expect.closeTo(47 * 0.6, 9) as number }),
    ]);
    expect(j.data_quality.fallback_gco2e).toBeCloseTo(120, 9);
    expect(j.data_quality.line).toBe(
      '47 of 48 hours estimated; 1 failed; 0 not yet estimated; 1 used the fallback intensity (0.120 kgCO2e of the total); CPU-time sum-check held.'
    );
    expect(j.advice.area).toBe('national');
    expect(j.advice.windows.map((w) => w.duration)).toEqual(['1h', '3h', '8h']);
    expect(j.equivalencies.items.map((e) => e.id)).toEqual([
      'car_km',
      'smartphone_charges',
      'kettle_boils',
      'tree_days',
    ]);
  });

  it('markdown: a mail-ready report for site isis', async () => {
    const r = await report('--level', 'site', '--key', 'isis', ...period);
    expect(r.code).toBe(0);
    const md = r.out;
    expect(md).toMatch(/^# Carbon report: site isis\n/);
    expect(md).toContain('Period: 2026-11-02 00:00 UTC to 2026-11-04 00:00 UTC.');
    expect(md).toContain('| Busy | 4.700 | 0.940 |');
    expect(md).toContain('| Idle | 14.100 | 2.820 |');
    expect(md).toContain('| **Total** | **18.800** | **3.760** |');
    expect(md).toContain(
      'Idle waste: 75% of the energy (14.100 kWh, 2.820 kgCO2e) was drawn while the CPUs were idle.'
    );
    expect(md).toContain('- 22.1 km driven by an average car'); // 3760 g / 170 g/km
    expect(md).toMatch(
      /## Top contributors by machine\n\n\| machine \| kWh \| kgCO2e \| idle kWh \|\n\| --- \| ---: \| ---: \| ---: \|\n\| Muon \| 14\.100 \| 2\.820 \| 9\.400 \|\n\| SANS \| 4\.700 \| 0\.940 \| 4\.700 \|/
    );
    expect(md).toMatch(
      /## Greener choices\n\n- A 1h job is greenest started (now|at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC)/
    );
    expect(md).toContain('## Data quality\n\n47 of 48 hours estimated; 1 failed;');
  });

  it('usage errors exit 2 with the reason', async () => {
    const bad = await report('--level', 'galaxy', '--key', 'x', ...period);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/argument 'galaxy' is invalid. Allowed choices are user, project, site/);
    const reversed = await report('--level', 'site', '--key', 'isis', '--from', '2026-11-03', '--to', '2026-11-01');
    expect(reversed.code).toBe(2);
    expect(reversed.err).toMatch(/ada-carbon report: from \(2026-11-03\) must be before to \(2026-11-01\)/);
    const missing = await report('--level', 'site', '--key', 'isis');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/required option '--from <when>'/);
  });
});
