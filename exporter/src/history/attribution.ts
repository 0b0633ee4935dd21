// Pure: half-hour usage per target -> energy, carbon and the rows of every attribution level. No I/O.
import { resolveMachineProfile, type Config } from '../config';
import { intervalEnergy } from '../model/power';
import { gramsFor } from '../model/units';
import { UNKNOWN } from '../tracking/observe';
import type { HalfHourUsage } from './estimate';
import { hostNames, type Ownership } from './ownership';
import { HALF_HOUR_SECONDS, HOUR_SECONDS, LEVELS, type Level, type UsageRow } from './types';

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

/**
 * Energy per target-half-hour with the machine type's profile (the model tracking uses), elapsed = seconds the
 * host was up = all-mode cpu-seconds / cpus; grams with that half-hour's intensity; then summed into one row per
 * (level, key, project, machine) for the hour. Every level sees every target once, so each level adds to the total.
 */
export function attributeHour(hourStartSeconds: number, usage: readonly HalfHourUsage[], ctx: AttributionContext): Attributed {
  const { labels } = ctx.config;
  const siteOf = new Map(Object.entries(ctx.config.sites).map(([site, s]) => [s.project, site]));
  const rows = new Map<string, UsageRow>();
  let fallbackUsed = false;
  let allModes = 0;
  let capacity = 0;
  for (const u of usage) {
    if (u.fromSeconds < hourStartSeconds || u.fromSeconds >= hourStartSeconds + HOUR_SECONDS) continue;
    const project = clean(u.labels[labels.project]);
    const machine = clean(u.labels[labels.machine]);
    const host = clean(u.labels[labels.host] ?? hostNames('', u.labels.instance).at(-1));
    const mid = u.fromSeconds + HALF_HOUR_SECONDS / 2;
    const user = labels.user
      ? clean(u.labels[labels.user])
      : clean(ctx.ownership?.ownerAt(hostNames(host, u.labels.instance), mid));
    const keys: Record<Level, string> = {
      site: siteOf.get(project) ?? UNKNOWN,
      project,
      experiment: clean(labels.experiment ? u.labels[labels.experiment] : undefined),
      machine,
      host,
      user,
    };
    const all = u.busyCpuSeconds + u.idleCpuSeconds + u.otherCpuSeconds;
    const elapsed = u.cpus && u.cpus > 0 ? all / u.cpus : 0;
    if (u.regular && u.cpus) {
      allModes += all;
      capacity += u.cpus * HALF_HOUR_SECONDS;
    }
    const energy = intervalEnergy(resolveMachineProfile(ctx.config, machine), ctx.config.pue, {
      busyCpuSeconds: u.busyCpuSeconds, idleCpuSeconds: u.idleCpuSeconds, elapsedSeconds: elapsed,
      memoryActiveBytes: u.memoryActiveBytes,
    });
    const ci = ctx.intensity(u.fromSeconds);
    const busyGrams = gramsFor(energy.busyJoules, ci.gramsPerKwh);
    const idleGrams = gramsFor(energy.idleJoules, ci.gramsPerKwh);
    if (ci.source === 'fallback') fallbackUsed = true;
    for (const level of LEVELS) {
      const key = keys[level];
      const id = `${level}\u0000${key}\u0000${project}\u0000${machine}`;
      let row = rows.get(id);
      if (!row) {
        row = {
          level, key, project, machine, hourStartSeconds,
          busyCpuSeconds: 0, idleCpuSeconds: 0, busyJoules: 0, idleJoules: 0, busyGrams: 0, idleGrams: 0, fallbackGrams: 0,
        };
        rows.set(id, row);
      }
      row.busyCpuSeconds += u.busyCpuSeconds;
      row.idleCpuSeconds += u.idleCpuSeconds;
      row.busyJoules += energy.busyJoules;
      row.idleJoules += energy.idleJoules;
      row.busyGrams += busyGrams;
      row.idleGrams += idleGrams;
      if (ci.source === 'fallback') row.fallbackGrams += busyGrams + idleGrams;
    }
  }
  return { rows: [...rows.values()], fallbackUsed, allModesCpuSeconds: allModes, cpuCapacitySeconds: capacity };
}
