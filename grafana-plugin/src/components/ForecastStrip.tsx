import { cx } from '@emotion/css';
import { dateTimeFormat } from '@grafana/data';
import React from 'react';

import { durationText } from '../data/advice';
import { ForecastModel, SLOT_MS } from '../data/forecast';
import { formatGramsPerKwh } from '../data/format';
import { GreenStyles } from './greenStyles';

interface Props {
  model: ForecastModel;
  styles: GreenStyles;
  timeZone?: string;
}

const hhmm = (ms: number, timeZone?: string) => dateTimeFormat(ms, { timeZone, format: 'HH:mm' });

/** Axis ticks: "now", then 00:00 (as the weekday), 06:00, 12:00 and 18:00; none crowding "now". */
const TICK_TIMES = new Set(['00:00', '06:00', '12:00', '18:00']);
const MIN_SLOTS_AFTER_NOW = 5;

function axisLabel(ms: number, index: number, timeZone?: string): string | null {
  if (index === 0) {
    return 'now';
  }
  const t = hhmm(ms, timeZone);
  if (index < MIN_SLOTS_AFTER_NOW || !TICK_TIMES.has(t)) {
    return null;
  }
  return t === '00:00' ? dateTimeFormat(ms, { timeZone, format: 'ddd' }) : t;
}

/** The strip's accessible description: range, gaps and where the greenest windows are. */
export function forecastSummary(model: ForecastModel, timeZone?: string): string {
  const hours = (model.slots.length * SLOT_MS) / 3_600_000;
  const parts = [
    `Grid carbon intensity forecast${model.area ? ` (${model.area})` : ''} for the next ${hours} h: ` +
      `${formatGramsPerKwh(model.minGramsPerKwh)} to ${formatGramsPerKwh(model.maxGramsPerKwh)}`,
  ];
  if (model.missingSlots > 0) {
    parts.push(`${model.missingSlots} half-hours without a forecast`);
  }
  for (const w of model.windows) {
    if (w.available && w.startMs !== null) {
      parts.push(`greenest ${durationText(w.duration)} window from ${hhmm(w.startMs, timeZone)}`);
    }
  }
  return parts.join('; ') + '.';
}

export function ForecastStrip({ model, styles, timeZone }: Props) {
  const n = model.slots.length;
  const max = model.maxGramsPerKwh ?? 0;
  const marked = model.windows.filter((w) => w.available && w.firstSlot !== null && w.slotCount !== null);
  return (
    <section className={styles.strip} aria-label="Grid forecast" data-testid="adacarbon-forecast">
      <div className={styles.stripHeader}>
        <span className={styles.stripTitle}>Grid forecast, next 48 h</span>
        {model.area && <span data-testid="adacarbon-forecast-area">{model.area}</span>}
        {n > 0 && (
          <span data-testid="adacarbon-forecast-range">
            {formatGramsPerKwh(model.minGramsPerKwh)} – {formatGramsPerKwh(model.maxGramsPerKwh)}
          </span>
        )}
        {marked.length > 0 && (
          <span className={styles.legend}>
            <span className={styles.swatch} aria-hidden />
            greenest window
          </span>
        )}
      </div>
      {n === 0 ? (
        <div className={styles.stripEmpty} data-testid="adacarbon-forecast-empty">
          No forecast: the exporter has none for this area right now
        </div>
      ) : (
        <div role="img" aria-label={forecastSummary(model, timeZone)} data-testid="adacarbon-forecast-chart">
          <div className={styles.bars}>
            {model.slots.map((s, i) => {
              const green = s.windows.length > 0;
              const label =
                `${hhmm(s.startMs, timeZone)}–${hhmm(s.startMs + SLOT_MS, timeZone)}: ` +
                (s.gramsPerKwh === null ? 'no forecast' : formatGramsPerKwh(s.gramsPerKwh)) +
                (green ? ` (greenest ${s.windows.map(durationText).join(', ')} window)` : '');
              return (
                <div
                  key={s.offsetMinutes}
                  className={cx(styles.bar, green && styles.barGreen, s.gramsPerKwh === null && styles.barMissing)}
                  style={{ height: s.gramsPerKwh === null || max <= 0 ? '30%' : `${(s.gramsPerKwh / max) * 100}%` }}
                  title={label}
                  data-testid="adacarbon-forecast-slot"
                  data-offset={s.offsetMinutes}
                  data-green={green || undefined}
                  data-missing={s.gramsPerKwh === null || undefined}
                  aria-hidden
                />
              );
            })}
          </div>
          <div className={styles.axis} aria-hidden>
            {model.slots.map((s, i) => {
              const label = axisLabel(s.startMs, i, timeZone);
              return label === null ? null : (
                <span key={s.offsetMinutes} style={{ left: `${(i / n) * 100}%` }}>
                  {label}
                </span>
              );
            })}
          </div>
          {marked.map((w) => {
            const left = (w.firstSlot! / n) * 100;
            const width = (Math.min(w.slotCount!, n - w.firstSlot!) / n) * 100;
            const labelOnLeft = left + width > 78;
            return (
              <div
                key={w.duration}
                className={styles.windowRow}
                data-testid="adacarbon-forecast-window"
                data-duration={w.duration}
                aria-hidden
              >
                <span className={styles.windowBracket} style={{ left: `${left}%`, width: `${width}%` }} />
                <span
                  className={styles.windowLabel}
                  style={labelOnLeft ? { right: `${100 - left}%`, paddingRight: 4 } : { left: `${left + width}%` }}
                >
                  {durationText(w.duration)} from {hhmm(w.startMs!, timeZone)}
                </span>
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
