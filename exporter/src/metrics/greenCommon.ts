import { Gauge, type Registry } from 'prom-client';
import type { ForecastSnapshot, SavingsView } from '../green';
import { durationLabel, type WindowFound } from '../green/window';

/** What the greener-choices families read: the forecast snapshot and the idle savings view (both precomputed). */
export interface GreenSources {
  forecast: () => ForecastSnapshot;
  savings: () => SavingsView;
}

/**
 * A gauge refilled from scratch at each scrape from already computed data (a few hundred series at most), so
 * series of a window that no longer exists disappear.
 */
export function snapshotGauge<L extends string>(
  registry: Registry, spec: { name: string; help: string; labelNames: readonly L[]; fill: (set: (labels: Record<L, string>, v: number) => void) => void },
): Gauge<L> {
  return new Gauge<L>({
    name: spec.name, help: spec.help, labelNames: spec.labelNames, registers: [registry],
    collect(this: Gauge<L>) {
      this.reset();
      spec.fill((labels, v) => {
        if (Number.isFinite(v)) this.set(labels as never, v);
      });
    },
  });
}

/** Calls back with every found greenest window, labelled {area, duration}. */
export function eachWindow(s: ForecastSnapshot, cb: (labels: { area: string; duration: string }, w: WindowFound) => void): void {
  for (const { area, advice } of s.windows) {
    for (const a of advice) if (a.kind === 'window') cb({ area, duration: durationLabel(a.durationSeconds) }, a);
  }
}
