/** Plain-language greenest-window advice, e.g. "Start a 3 h job at 14:00 to cut its carbon by 35%". Pure. */
import { dateTimeFormat } from '@grafana/data';

import { ForecastModel, GreenWindow } from './forecast';
import { formatGramsPerKwh } from './format';

/** Below this saving, waiting is not worth advising: starting now is as green. */
const MIN_SAVING_RATIO = 0.005;

export interface AdviceLine {
  duration: string;
  /** 'wait': start later; 'now': now is the greenest time; 'none': no advice for this job length. */
  kind: 'wait' | 'now' | 'none';
  text: string;
}

/** "3h" -> "3 h", "1h30m" -> "1 h 30 min", "30m" -> "30 min". */
export function durationText(label: string): string {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(label.trim());
  if (!m || (m[1] === undefined && m[2] === undefined)) {
    return label;
  }
  return [m[1] !== undefined ? `${m[1]} h` : '', m[2] !== undefined ? `${m[2]} min` : ''].filter(Boolean).join(' ');
}

/** "14:00", "tomorrow at 02:30" or "Mon 09:00", in the dashboard's time zone. */
export function startTimeText(startMs: number, nowMs: number, timeZone?: string): string {
  const day = (ms: number) => dateTimeFormat(ms, { timeZone, format: 'YYYY-MM-DD' });
  const time = dateTimeFormat(startMs, { timeZone, format: 'HH:mm' });
  if (day(startMs) === day(nowMs)) {
    return `at ${time}`;
  }
  if (day(startMs) === day(nowMs + 86_400_000)) {
    return `tomorrow at ${time}`;
  }
  return `on ${dateTimeFormat(startMs, { timeZone, format: 'ddd' })} at ${time}`;
}

/** "a 3 h job", "an 8 h job", "an 11 h job": the article follows how the number is spoken. */
function aJob(label: string): string {
  const text = durationText(label);
  return `${/^(8|11|18|8\d)\b/.test(text) ? 'an' : 'a'} ${text} job`;
}

export function adviceFor(
  w: GreenWindow,
  model: Pick<ForecastModel, 'slots'>,
  nowMs: number,
  timeZone?: string
): AdviceLine {
  const job = aJob(w.duration);
  if (!w.available || w.startMs === null) {
    const why = model.slots.length === 0 ? 'no forecast' : 'the forecast is too short or has gaps';
    return { duration: w.duration, kind: 'none', text: `No advice for ${job}: ${why}` };
  }
  const startsNow = w.firstSlot === 0 || w.startMs <= nowMs;
  if (startsNow || (w.savingRatio !== null && w.savingRatio < MIN_SAVING_RATIO)) {
    return { duration: w.duration, kind: 'now', text: `Now is the greenest time to start ${job}` };
  }
  const when = startTimeText(w.startMs, nowMs, timeZone);
  const gain =
    w.savingRatio !== null
      ? `to cut its carbon by ${Math.round(w.savingRatio * 100)}%`
      : `(mean ${formatGramsPerKwh(w.meanGramsPerKwh)})`;
  return { duration: w.duration, kind: 'wait', text: `Start ${job} ${when} ${gain}` };
}

/**
 * One line per job length; a single plain "No advice: no forecast" when there is no forecast and no window at all,
 * or none of the windows has advice and there is no forecast to show either.
 */
export function adviceLines(model: ForecastModel, nowMs: number, timeZone?: string): AdviceLine[] {
  const lines = model.windows.map((w) => adviceFor(w, model, nowMs, timeZone));
  if (lines.every((l) => l.kind === 'none') && model.slots.length === 0) {
    return [{ duration: '', kind: 'none', text: 'No advice: no forecast' }];
  }
  if (lines.length === 0) {
    return [{ duration: '', kind: 'none', text: 'No advice: the exporter published no greenest window' }];
  }
  return lines;
}
