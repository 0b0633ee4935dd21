// Renders a period report (markdown to mail, CSV, JSON) from data already gathered. Pure: no I/O.
import type { Static } from '@sinclair/typebox';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import type { EquivalentAmount } from '../green';
import type { AdviceViewT } from '../schemas/green';
import type { SummaryResponse } from '../schemas/usage';

export const REPORT_LEVELS = ['user', 'project', 'site'] as const;
export type ReportLevel = (typeof REPORT_LEVELS)[number];
export const REPORT_FORMATS = ['markdown', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export type SummaryT = Static<typeof SummaryResponse>;

export interface ReportData {
  level: ReportLevel;
  key: string;
  generatedAt: string;
  /** the usage history summary of the period (GET /api/v1/summary) */
  summary: SummaryT;
  /** the period's total grams in everyday units, at the intensity named */
  equivalencies: { gramsPerKwh: number; items: EquivalentAmount[] };
  /** what shutting the currently idle workspaces down would save per day; null when not known */
  idleNow: {
    idleWorkspaces: number;
    savingKwhPerDay: number;
    savingGramsPerDay: number;
    gramsPerKwh: number;
    basis: string;
  } | null;
  /** greenest-window advice for the emissions area */
  advice: { area: string; windows: AdviceViewT[] };
}

const kwh = (x: number): string => x.toFixed(3);
const kg = (grams: number): string => (grams / 1000).toFixed(3);
const pct = (r: number | null): string => (r === null ? 'n/a' : `${Math.round(r * 100)}%`);
const day = (isoText: string): string => isoText.slice(0, 16).replace('T', ' ') + ' UTC';
const amount = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Idle share of the period's energy, 0-1; null when there was none. */
export function idleShare(s: SummaryT): number | null {
  const total = s.totals.busy_kwh + s.totals.idle_kwh;
  return total > 0 ? s.totals.idle_kwh / total : null;
}

export function dataQualityLine(s: SummaryT): string {
  const q = s.data_quality;
  const parts = [
    `${q.hours_estimated} of ${q.hours_expected} hours estimated`,
    `${q.hours_failed} failed`,
    `${q.hours_missing} not yet estimated`,
    `${q.hours_fallback} used the fallback intensity (${kg(s.fallback_gCo2eq)} kgCO2e of the total)`,
    q.sum_check.held === null
      ? 'CPU-time sum-check not run (no CPU samples)'
      : q.sum_check.held
        ? 'CPU-time sum-check held'
        : `CPU-time sum-check off in ${q.sum_check.hours_off} of ${q.sum_check.hours_checked} hours`,
  ];
  if (q.sum_check.hours_without_samples > 0)
    parts.push(`${q.sum_check.hours_without_samples} had no node_exporter CPU samples (counted as no use)`);
  if (q.hours_from_machine_averages > 0)
    parts.push(`${q.hours_from_machine_averages} estimated from machine averages (Prometheus could not give them)`);
  return `${parts.join('; ')}.`;
}

const subject = (d: ReportData): string => `${d.level} ${d.key}`;

export function renderMarkdown(d: ReportData): string {
  const s = d.summary;
  const t = s.totals;
  const out: string[] = [];
  out.push(`# Carbon report: ${subject(d)}`, '');
  out.push(`Period: ${day(s.from)} to ${day(s.to)}. Generated ${day(d.generatedAt)} by ada-carbon.`, '');
  out.push('## Totals', '', '| | Energy (kWh) | Carbon (kgCO2e) |', '| --- | ---: | ---: |');
  out.push(`| Busy | ${kwh(t.busy_kwh)} | ${kg(t.busy_gCo2eq)} |`);
  out.push(`| Idle | ${kwh(t.idle_kwh)} | ${kg(t.idle_gCo2eq)} |`);
  out.push(`| **Total** | **${kwh(s.kwh)}** | **${kg(s.total_gCo2eq)}** |`, '');
  const share = idleShare(s);
  out.push(
    share === null
      ? 'No energy was recorded in this period.'
      : `Idle waste: ${pct(share)} of the energy (${kwh(t.idle_kwh)} kWh, ${kg(t.idle_gCo2eq)} kgCO2e) was drawn while the CPUs were idle.`,
    ''
  );
  out.push('## What that compares to', '');
  for (const e of d.equivalencies.items) out.push(`- ${amount(e.amount)} ${e.label}`);
  out.push(
    '',
    `Electricity-based items are converted at ${d.equivalencies.gramsPerKwh.toFixed(0)} gCO2/kWh. Sources: ${d.equivalencies.items.map((e) => `${e.label}: ${e.source}`).join('; ')}.`,
    ''
  );
  for (const c of s.contributors) {
    if (c.items.length === 0) continue;
    out.push(
      `## Top contributors by ${c.level}`,
      '',
      `| ${c.level} | kWh | kgCO2e | idle kWh |`,
      '| --- | ---: | ---: | ---: |'
    );
    for (const i of c.items)
      out.push(`| ${escapeCell(i.name)} | ${kwh(i.kwh)} | ${kg(i.total_gCo2eq)} | ${kwh(i.idle_kwh)} |`);
    out.push('');
  }
  out.push('## Greener choices', '');
  if (d.idleNow && d.idleNow.idleWorkspaces > 0) {
    out.push(
      `- Shutting down the ${d.idleNow.idleWorkspaces} idle workspace(s) open now would save ${kwh(d.idleNow.savingKwhPerDay)} kWh and ${kg(d.idleNow.savingGramsPerDay)} kgCO2e per day.`
    );
  } else if (d.idleNow) {
    out.push('- No idle workspaces are open now.');
  }
  for (const w of d.advice.windows) out.push(`- ${w.message}`);
  out.push('', `(Grid forecast for the ${d.advice.area} area, GB Carbon Intensity API, NESO.)`, '');
  out.push('## Data quality', '', dataQualityLine(s), '');
  return out.join('\n');
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One `section,name,value,unit` row per figure, for spreadsheets. */
export function renderCsv(d: ReportData): string {
  const s = d.summary;
  const rows: Array<[string, string, string | number, string]> = [
    ['report', 'level', d.level, ''],
    ['report', 'key', d.key, ''],
    ['report', 'from', s.from, 'UTC'],
    ['report', 'to', s.to, 'UTC'],
    ['totals', 'busy_energy', s.totals.busy_kwh, 'kWh'],
    ['totals', 'idle_energy', s.totals.idle_kwh, 'kWh'],
    ['totals', 'energy', s.kwh, 'kWh'],
    ['totals', 'busy_carbon', s.totals.busy_gCo2eq, 'gCO2e'],
    ['totals', 'idle_carbon', s.totals.idle_gCo2eq, 'gCO2e'],
    ['totals', 'carbon', s.total_gCo2eq, 'gCO2e'],
    ['idle', 'idle_share', idleShare(s) ?? '', 'ratio'],
  ];
  if (d.idleNow) {
    rows.push(
      ['idle', 'idle_workspaces_now', d.idleNow.idleWorkspaces, 'workspaces'],
      ['idle', 'shutdown_saving_energy_per_day', d.idleNow.savingKwhPerDay, 'kWh/day'],
      ['idle', 'shutdown_saving_carbon_per_day', d.idleNow.savingGramsPerDay, 'gCO2e/day']
    );
  }
  for (const e of d.equivalencies.items) rows.push(['equivalencies', e.id, e.amount, e.unit]);
  for (const c of s.contributors) {
    for (const i of c.items) {
      rows.push(
        [`contributors_${c.level}`, i.name, i.kwh, 'kWh'],
        [`contributors_${c.level}`, i.name, i.total_gCo2eq, 'gCO2e']
      );
    }
  }
  for (const w of d.advice.windows) {
    rows.push(
      [`advice_${d.advice.area}`, `${w.duration}_start`, w.start ?? '', 'UTC'],
      [`advice_${d.advice.area}`, `${w.duration}_mean`, w.mean_gco2_per_kwh ?? '', 'gCO2/kWh'],
      [`advice_${d.advice.area}`, `${w.duration}_saving`, w.saving_ratio ?? '', 'ratio']
    );
  }
  const q = s.data_quality;
  rows.push(
    ['data_quality', 'hours_expected', q.hours_expected, 'hours'],
    ['data_quality', 'hours_estimated', q.hours_estimated, 'hours'],
    ['data_quality', 'hours_failed', q.hours_failed, 'hours'],
    ['data_quality', 'hours_fallback', q.hours_fallback, 'hours'],
    ['data_quality', 'hours_missing', q.hours_missing, 'hours'],
    ['data_quality', 'fallback_carbon', s.fallback_gCo2eq, 'gCO2e'],
    ['data_quality', 'hours_without_samples', q.sum_check.hours_without_samples, 'hours'],
    ['data_quality', 'sum_check_held', q.sum_check.held === null ? '' : String(q.sum_check.held), '']
  );
  if (q.hours_from_machine_averages > 0)
    rows.push(['data_quality', 'hours_from_machine_averages', q.hours_from_machine_averages, 'hours']);
  return stringifyCsv(rows, { header: true, columns: ['section', 'name', 'value', 'unit'] });
}

export function renderJson(d: ReportData): string {
  const s = d.summary;
  return (
    JSON.stringify(
      {
        level: d.level,
        key: d.key,
        from: s.from,
        to: s.to,
        generated_at: d.generatedAt,
        totals: {
          busy_kwh: s.totals.busy_kwh,
          idle_kwh: s.totals.idle_kwh,
          kwh: s.kwh,
          busy_gco2e: s.totals.busy_gCo2eq,
          idle_gco2e: s.totals.idle_gCo2eq,
          gco2e: s.total_gCo2eq,
        },
        idle: {
          idle_share: idleShare(s),
          idle_kwh: s.totals.idle_kwh,
          idle_gco2e: s.totals.idle_gCo2eq,
          now: d.idleNow && {
            idle_workspaces: d.idleNow.idleWorkspaces,
            shutdown_saving_kwh_per_day: d.idleNow.savingKwhPerDay,
            shutdown_saving_gco2e_per_day: d.idleNow.savingGramsPerDay,
            grams_per_kwh: d.idleNow.gramsPerKwh,
            intensity_basis: d.idleNow.basis,
          },
        },
        contributors: s.contributors,
        equivalencies: { grams_per_kwh: d.equivalencies.gramsPerKwh, items: d.equivalencies.items },
        advice: d.advice,
        data_quality: { ...s.data_quality, fallback_gco2e: s.fallback_gCo2eq, line: dataQualityLine(s) },
      },
      null,
      2
    ) + '\n'
  );
}

export function renderReport(d: ReportData, format: ReportFormat): string {
  return format === 'markdown' ? renderMarkdown(d) : format === 'csv' ? renderCsv(d) : renderJson(d);
}
