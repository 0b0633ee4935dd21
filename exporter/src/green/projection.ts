// What shutting idle workspaces down would save per site and project, converted at the intensity of the day ahead.
import type { PowerProfile } from '../model/power';
import type { Area } from '../sources/carbon';
import type { TrackingSnapshot } from '../tracking/snapshot';
import type { ForecastSnapshot } from './refresher';
import { runNow, runSliced, type Steps } from '../tracking/slices';
import { idleTotalsSteps, meanForecast, type IdleTotals } from './savings';

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
  return runNow(savingsViewSteps(tracking, forecast, ctx));
}

/** savingsView in steps (one per few hundred workspaces), for serve to run in slices. */
export function* savingsViewSteps(
  tracking: TrackingSnapshot,
  forecast: ForecastSnapshot,
  ctx: SavingsContext
): Steps<SavingsView> {
  const at = tracking.generatedAtSeconds ?? forecast.atSeconds ?? ctx.clock();
  const { gramsPerKwh, basis } = projectionIntensity(forecast, tracking, ctx.area, ctx.fallbackGramsPerKwh, at);
  // the site behind its length, so no two pairs share a key: far cheaper than JSON per workspace
  const names = new Map<string, { site: string; project: string }>();
  const totals = yield* idleTotalsSteps(
    tracking.workspaces,
    { profileFor: ctx.profileFor, pue: ctx.pue, idleRatioThreshold: ctx.idleRatioThreshold, gramsPerKwh },
    (w) => {
      const k = `${w.site.length}:${w.site}${w.project}`;
      if (!names.has(k)) names.set(k, { site: w.site, project: w.project });
      return k;
    }
  );
  const groups = [...totals].map(([k, v]) => ({ ...names.get(k)!, ...v }));
  return { atSeconds: tracking.generatedAtSeconds, area: ctx.area, gramsPerKwh, intensityBasis: basis, groups };
}

/** The savings view of the current snapshots, and how to compute it ahead in slices. */
export interface MemoSavings {
  (): SavingsView;
  /** computes the view of the current snapshots in slices, so that the next call finds it ready */
  prepare: () => Promise<void>;
}

/** savingsView memoised on the two snapshot versions, so a scrape or request recomputes only after a change. */
export function memoSavings(
  tracking: () => TrackingSnapshot,
  forecast: () => ForecastSnapshot,
  ctx: SavingsContext
): MemoSavings {
  let memo: { key: string; view: SavingsView } | undefined;
  const keyOf = (t: TrackingSnapshot, f: ForecastSnapshot): string => `${t.version}:${f.version}`;
  const get = (): SavingsView => {
    const t = tracking();
    const f = forecast();
    const key = keyOf(t, f);
    if (memo?.key !== key) memo = { key, view: savingsView(t, f, ctx) };
    return memo.view;
  };
  const prepare = async (): Promise<void> => {
    const t = tracking();
    const f = forecast();
    const key = keyOf(t, f);
    if (memo?.key === key) return;
    const view = await runSliced(savingsViewSteps(t, f, ctx));
    // kept only while its snapshots are still the current ones
    if (keyOf(tracking(), forecast()) === key) memo = { key, view };
  };
  return Object.assign(get, { prepare });
}
