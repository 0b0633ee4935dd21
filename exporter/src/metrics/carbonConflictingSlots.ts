import { Counter, type Registry } from 'prom-client';

export const CARBON_CONFLICTING_SLOTS = 'ada_carbon_carbon_intensity_conflicting_slots_total';

/** What the counter reads: the carbon client's running count (the client itself stays free of prom-client). */
export type ConflictStats = () => { conflictingSlots: number };

/** Copies the client's cumulative count at each rendering; without a client it stays 0. */
export function carbonConflictingSlots(registry: Registry, stats?: ConflictStats): void {
  new Counter({
    name: CARBON_CONFLICTING_SLOTS,
    help: 'Half-hours for which a carbon intensity API answer held rows with different intensities, counted once per answer; one rule picked the value used (an actual over a forecast, else the higher).',
    registers: [registry],
    collect(this: Counter) {
      if (!stats) return;
      this.reset();
      this.inc(stats().conflictingSlots);
    },
  });
}
