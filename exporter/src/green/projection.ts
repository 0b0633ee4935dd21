// What shutting idle workspaces down would save per site and project, converted at the intensity of the day ahead.
import type { PowerProfile } from '../model/power';
import type { Area } from '../sources/carbon';
import type { TrackingSnapshot } from '../tracking/snapshot';
import type { ForecastSnapshot } from './refresher';
import { idleTotalsBy, meanForecast, type IdleTotals } from './savings';

/** Idle totals per site and project, with the intensity their projected day was converted at. */
export interface SavingsView {
  atSeconds?: number;
  area: Area;
  gramsPerKwh: number;
  /** forecast_24h_mean: mean of the next 24 h forecast; current: the tracked intensity; fallback: the configured value */
  intensityBasis: 'forecast_24h_mean' | 'current' | 'fallback';
  groups: ReadonlyArray<{ site: string; project: string } & IdleTotals>;
}

/** The intensity a projected day is converted at: the next 24 h forecast, else the tracked intensity, else the fallback. */
export function projectionIntensity(
  forecast: ForecastSnapshot,
  tracking: TrackingSnapshot,
  area: Area,
  fallbackGramsPerKwh: number,
  now: number
): { gramsPerKwh: number; basis: SavingsView['intensityBasis'] } {
  const slots = forecast.areas.find((a) => a.area === area)?.slots ?? [];
  const mean = meanForecast(slots, now, 24);
  if (mean !== null) return { gramsPerKwh: mean, basis: 'forecast_24h_mean' };
  const r = tracking.intensity[area];
  if (r && !r.fallback) return { gramsPerKwh: r.gramsPerKwh, basis: 'current' };
  return { gramsPerKwh: fallbackGramsPerKwh, basis: 'fallback' };
}

export interface SavingsContext {
  area: Area;
  profileFor: (machine: string) => PowerProfile;
  pue: number;
  idleRatioThreshold: number;
  fallbackGramsPerKwh: number;
  clock: () => number;
}

/** The savings view of one tracking and forecast snapshot pair. */
export function savingsView(tracking: TrackingSnapshot, forecast: ForecastSnapshot, ctx: SavingsContext): SavingsView {
  const at = tracking.generatedAtSeconds ?? forecast.atSeconds ?? ctx.clock();
  const { gramsPerKwh, basis } = projectionIntensity(forecast, tracking, ctx.area, ctx.fallbackGramsPerKwh, at);
  const totals = idleTotalsBy(
    tracking.workspaces,
    { profileFor: ctx.profileFor, pue: ctx.pue, idleRatioThreshold: ctx.idleRatioThreshold, gramsPerKwh },
    (w) => JSON.stringify([w.site, w.project])
  );
  const groups = [...totals].map(([k, v]) => {
    const [site, project] = JSON.parse(k) as [string, string];
    return { site, project, ...v };
  });
  return { atSeconds: tracking.generatedAtSeconds, area: ctx.area, gramsPerKwh, intensityBasis: basis, groups };
}

/** savingsView memoised on the two snapshot versions, so a scrape or request recomputes only after a change. */
export function memoSavings(
  tracking: () => TrackingSnapshot,
  forecast: () => ForecastSnapshot,
  ctx: SavingsContext
): () => SavingsView {
  let memo: { key: string; view: SavingsView } | undefined;
  return () => {
    const t = tracking();
    const f = forecast();
    const key = `${t.version}:${f.version}`;
    if (memo?.key !== key) memo = { key, view: savingsView(t, f, ctx) };
    return memo.view;
  };
}
