// Pure: half-hour usage per target -> energy, carbon and the rows of every attribution level. No I/O.
import { resolveMachineProfile, type Config } from '../config';
import { intervalEnergy } from '../model/power';
import { gramsFor } from '../model/units';
import { UNKNOWN } from '../tracking/observe';
import type { HalfHourUsage } from './boundaries';
import { hostNames, resolveOwner, type Ownership, type UserAndExperiment } from '../ownership';
import { HALF_HOUR_SECONDS, HOUR_SECONDS, LEVELS, zeroFigures, type Level, type UsageRow } from './types';

export interface SlotIntensity {
  gramsPerKwh: number;
  source: 'actual' | 'forecast' | 'fallback';
}

export interface AttributionContext {
  config: Pick<Config, 'labels' | 'machines' | 'pue' | 'sites'>;
  ownership?: Ownership;
  /** intensity of the half-hour starting at fromSeconds */
  intensity: (fromSeconds: number) => SlotIntensity;
}

const clean = (v: string | undefined): string => (v !== undefined && v.trim() !== '' ? v : UNKNOWN);

export interface Attributed {
  rows: UsageRow[];
  fallbackUsed: boolean;
  /** all-modes cpu-seconds and cpus x seconds over regular half-hours, for the sum-check */
  allModesCpuSeconds: number;
  cpuCapacitySeconds: number;
}

/** What a target contributes to every level, fixed for the run (all but the user, which depends on the instant). */
interface TargetInfo {
  project: string;
  machine: string;
  profile: ReturnType<typeof resolveMachineProfile>;
  names: string[];
  /** the target's own user and experiment labels (UNKNOWN where it has none): they win over ownership records */
  own: UserAndExperiment;
  /** keys and row ids per level; user and experiment are set per half-hour when they come from ownership records */
  keys: Record<Level, string>;
  ids: Record<Level, string>;
}

const rowId = (level: Level, key: string, project: string, machine: string): string =>
  `${level}\u0000${key}\u0000${project}\u0000${machine}`;

const known = (l: Record<string, string>): number =>
  Object.values(l).filter((v) => v.trim() !== '' && v !== UNKNOWN).length;
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One target per VM and half-hour, as live tracking counts it: a node scraped by two jobs (or under two instance
 * names) is one host. The one kept has the most labels known, then the first job and instance in code-point order,
 * then the label text. A target with no host is its own.
 */
export function oneTargetPerVm(usage: readonly HalfHourUsage[], labels: Config['labels']): HalfHourUsage[] {
  const kept = new Map<string, HalfHourUsage>();
  const better = (a: HalfHourUsage, b: HalfHourUsage): boolean =>
    (known(b.labels) - known(a.labels) ||
      byText(a.labels.job ?? '', b.labels.job ?? '') ||
      byText(a.labels.instance ?? '', b.labels.instance ?? '') ||
      byText(JSON.stringify(a.labels), JSON.stringify(b.labels))) < 0;
  for (const u of usage) {
    const host = clean(u.labels[labels.host] ?? hostNames('', u.labels.instance).at(-1));
    const k =
      host === UNKNOWN
        ? `target\u0000${JSON.stringify(u.labels)}\u0000${u.fromSeconds}`
        : `host\u0000${host}\u0000${u.fromSeconds}`;
    const other = kept.get(k);
    if (!other || better(u, other)) kept.set(k, u);
  }
  return kept.size === usage.length ? [...usage] : [...kept.values()];
}

/**
 * Energy per target-half-hour with the machine type's profile (the model tracking uses), elapsed = seconds the
 * host was up = all-mode cpu-seconds / cpus; grams with that half-hour's intensity; then summed into one row per
 * (level, key, project, machine) and hour. Every level sees every target once (one per VM), so each level adds to the total.
 * Returns one Attributed per hour start in [from, to) (hours with no usage have no rows).
 */
export function attributeRange(
  fromSeconds: number,
  toSeconds: number,
  usage: readonly HalfHourUsage[],
  ctx: AttributionContext
): Map<number, Attributed> {
  const { labels } = ctx.config;
  const siteOf = new Map(Object.entries(ctx.config.sites).map(([site, s]) => [s.project, site]));
  const profiles = new Map<string, ReturnType<typeof resolveMachineProfile>>();
  const infos = new Map<Record<string, string>, TargetInfo>();
  const info = (l: Record<string, string>): TargetInfo => {
    let i = infos.get(l);
    if (i) return i;
    const project = clean(l[labels.project]);
    const machine = clean(l[labels.machine]);
    const host = clean(l[labels.host] ?? hostNames('', l.instance).at(-1));
    let profile = profiles.get(machine);
    if (!profile) profiles.set(machine, (profile = resolveMachineProfile(ctx.config, machine)));
    const keys: Record<Level, string> = {
      site: siteOf.get(project) ?? UNKNOWN,
      project,
      machine,
      host,
      experiment: clean(labels.experiment ? l[labels.experiment] : undefined),
      user: labels.user ? clean(l[labels.user]) : UNKNOWN,
    };
    const ids = Object.fromEntries(LEVELS.map((lv) => [lv, rowId(lv, keys[lv], project, machine)])) as Record<
      Level,
      string
    >;
    const own = { user: keys.user, experiment: keys.experiment };
    i = { project, machine, profile, names: hostNames(host, l.instance), own, keys, ids };
    infos.set(l, i);
    return i;
  };
  const out = new Map<number, Attributed>();
  const rowsOf = new Map<number, Map<string, UsageRow>>();
  for (let h = fromSeconds; h < toSeconds; h += HOUR_SECONDS) {
    out.set(h, { rows: [], fallbackUsed: false, allModesCpuSeconds: 0, cpuCapacitySeconds: 0 });
    rowsOf.set(h, new Map());
  }
  const slotCache = new Map<number, SlotIntensity>();
  for (const u of oneTargetPerVm(usage, labels)) {
    const hourStartSeconds = u.fromSeconds - (u.fromSeconds % HOUR_SECONDS);
    const att = out.get(hourStartSeconds);
    if (!att) continue;
    const rows = rowsOf.get(hourStartSeconds)!;
    const t = info(u.labels);
    if (ctx.ownership) {
      const at = resolveOwner(t.own, t.names, u.fromSeconds + HALF_HOUR_SECONDS / 2, ctx.ownership);
      for (const level of ['user', 'experiment'] as const) {
        if (at[level] === t.keys[level]) continue;
        t.keys[level] = at[level];
        t.ids[level] = rowId(level, at[level], t.project, t.machine);
      }
    }
    const all = u.busyCpuSeconds + u.idleCpuSeconds + u.otherCpuSeconds;
    const elapsed = u.cpus && u.cpus > 0 ? all / u.cpus : 0;
    const runtime = u.cpus && u.cpus > 0 ? u.busyCpuSeconds / u.cpus : 0;
    if (u.regular && u.cpus) {
      att.allModesCpuSeconds += all;
      att.cpuCapacitySeconds += u.cpus * HALF_HOUR_SECONDS;
    }
    // nothing counted (a target first seen on the closing boundary): no energy, and a row of zeros would count as a
    // workspace-day in the machine averages and flag the hour as using the fallback intensity
    if (all <= 0) continue;
    const energy = intervalEnergy(t.profile, ctx.config.pue, {
      busyCpuSeconds: u.busyCpuSeconds,
      idleCpuSeconds: u.idleCpuSeconds,
      elapsedSeconds: elapsed,
      memoryActiveBytes: u.memoryActiveBytes,
    });
    let ci = slotCache.get(u.fromSeconds);
    if (!ci) slotCache.set(u.fromSeconds, (ci = ctx.intensity(u.fromSeconds)));
    const busyGrams = gramsFor(energy.busyJoules, ci.gramsPerKwh);
    const idleGrams = gramsFor(energy.idleJoules, ci.gramsPerKwh);
    const fallback = ci.source === 'fallback';
    if (fallback) att.fallbackUsed = true;
    for (const level of LEVELS) {
      const id = t.ids[level];
      let row = rows.get(id);
      if (!row) {
        row = {
          level,
          key: t.keys[level],
          project: t.project,
          machine: t.machine,
          hourStartSeconds,
          ...zeroFigures(),
        };
        rows.set(id, row);
      }
      row.busyCpuSeconds += u.busyCpuSeconds;
      row.idleCpuSeconds += u.idleCpuSeconds;
      row.busyJoules += energy.busyJoules;
      row.idleJoules += energy.idleJoules;
      row.busyGrams += busyGrams;
      row.idleGrams += idleGrams;
      if (fallback) row.fallbackGrams += busyGrams + idleGrams;
      row.runtimeSeconds = (row.runtimeSeconds ?? 0) + runtime;
    }
  }
  for (const [h, att] of out) att.rows = [...rowsOf.get(h)!.values()];
  return out;
}
