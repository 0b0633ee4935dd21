/**
 * Writes fixtures/exporter-metrics.prom: /metrics output of the ada-carbon exporter for one site, following the
 * exporter's metric contract. Run once (npx ts-node browser/make-fixture.ts) and commit the result; tests read the file.
 */
import fs from 'fs';
import path from 'path';

import { fleetSeries, FIXED_NOW_MS, workspaceFixture, WorkspaceFixture } from '../src/test-utils/fleet';
import { PromSeries, renderSeriesLine } from '../src/test-utils/exposition';

const recordedAtSeconds = Math.floor(Date.now() / 1000);
const shift = recordedAtSeconds - FIXED_NOW_MS / 1000;

const workspaces: WorkspaceFixture[] = Array.from({ length: 12 }, (_, i) => {
  const w = workspaceFixture(i, 'isis');
  return { ...w, startedTimestampSeconds: Math.round(w.startedTimestampSeconds + shift) };
});
// A workspace booted a minute ago: no full tracking interval yet, so its idle ratio is not a number.
const fresh = workspaces[11]!;
const scale = 60 / (recordedAtSeconds - fresh.startedTimestampSeconds);
workspaces[11] = {
  ...fresh,
  idleRatio: NaN,
  startedTimestampSeconds: recordedAtSeconds - 60,
  busyJoules: fresh.busyJoules * scale,
  idleJoules: fresh.idleJoules * scale,
  busyGrams: fresh.busyGrams * scale,
  idleGrams: fresh.idleGrams * scale,
};

const HELP: Record<string, [string, string]> = {
  ada_carbon_workspace_energy_joules_total: [
    'counter',
    'Estimated energy used by the workspace since it started, in joules, by CPU state.',
  ],
  ada_carbon_workspace_emissions_grams_total: [
    'counter',
    'Estimated emissions of the workspace since it started, in grams CO2e, by CPU state.',
  ],
  ada_carbon_workspace_power_watts: ['gauge', 'Estimated current power draw of the workspace, in watts.'],
  ada_carbon_workspace_idle_power_watts: ['gauge', 'Idle part of the estimated current power draw, in watts.'],
  ada_carbon_workspace_idle_ratio: ['gauge', 'Share of CPU time idle over the last tracking interval (0-1).'],
  ada_carbon_workspace_cpus: ['gauge', 'vCPUs of the workspace.'],
  ada_carbon_workspace_started_timestamp_seconds: ['gauge', 'Unix time the workspace booted, in seconds.'],
};

const lines: string[] = [];
const series = fleetSeries(workspaces).map((s): PromSeries => {
  // Prometheus adds instance/job when it scrapes; the exporter's own output does not carry them.
  const { instance: _i, job: _j, ...labels } = s.labels;
  return { ...s, labels };
});
for (const [name, [type, help]] of Object.entries(HELP)) {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  lines.push(...series.filter((s) => s.name === name).map(renderSeriesLine));
}
lines.push(
  '# HELP ada_carbon_grid_intensity_grams_per_kilowatt_hour Carbon intensity of the grid, in gCO2 per kWh.',
  '# TYPE ada_carbon_grid_intensity_grams_per_kilowatt_hour gauge',
  'ada_carbon_grid_intensity_grams_per_kilowatt_hour{area="national"} 150',
  'ada_carbon_grid_intensity_grams_per_kilowatt_hour{area="regional"} 142',
  '# HELP ada_carbon_grid_intensity_fallback 1 when the intensity is the configured fallback, not real data.',
  '# TYPE ada_carbon_grid_intensity_fallback gauge',
  'ada_carbon_grid_intensity_fallback{area="national"} 0',
  'ada_carbon_grid_intensity_fallback{area="regional"} 0',
  '# HELP ada_carbon_source_up 1 when the last request to the source succeeded.',
  '# TYPE ada_carbon_source_up gauge',
  'ada_carbon_source_up{source="prometheus"} 1',
  'ada_carbon_source_up{source="carbon_intensity"} 1',
  'ada_carbon_source_up{source="store"} 1',
  '# HELP ada_carbon_tracking_cycle_duration_seconds Duration of one tracking cycle, in seconds.',
  '# TYPE ada_carbon_tracking_cycle_duration_seconds histogram',
  'ada_carbon_tracking_cycle_duration_seconds_bucket{le="0.1"} 118',
  'ada_carbon_tracking_cycle_duration_seconds_bucket{le="0.5"} 143',
  'ada_carbon_tracking_cycle_duration_seconds_bucket{le="+Inf"} 144',
  'ada_carbon_tracking_cycle_duration_seconds_sum 9.81',
  'ada_carbon_tracking_cycle_duration_seconds_count 144',
  '# HELP ada_carbon_build_info Build information; always 1.',
  '# TYPE ada_carbon_build_info gauge',
  'ada_carbon_build_info{version="0.1.0"} 1'
);

const out = path.resolve(__dirname, 'fixtures', 'exporter-metrics.prom');
fs.writeFileSync(out, lines.join('\n') + '\n');
console.log(
  `wrote ${out}: ${series.length} workspace series, recorded at ${new Date(recordedAtSeconds * 1000).toISOString()}`
);
