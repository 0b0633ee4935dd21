// The SQLite store's writes: hour rows replaced per (hour, scope), with the day rollup (every level but the host:
// host reads are one host's hours) and the machine-day sums adjusted by the same deltas in the same transaction.
// Integer figures make those running sums exact.
import type Database from 'better-sqlite3';
import { LEVEL_IDS } from '../compactLayout';
import { roundHour } from './sqliteRound';
import type { HourResult, UsageRow } from '../../history/types';
import type { PruneResult } from './types';

const HOUR_SECONDS = 3600;
const DAY_HOURS = 24;
/** row figures in stored units, column order: busy/idle cpu ms, busy/idle mJ, busy/idle ng, fallback ng, runtime ms */
const FIGURE_COLUMNS = 'busy_cpu_ms, idle_cpu_ms, busy_mj, idle_mj, busy_ng, idle_ng, fallback_ng, runtime_ms';
const SUMMED = ['busy_cpu_ms', 'idle_cpu_ms', 'busy_mj', 'idle_mj', 'busy_ng', 'idle_ng'];

/** The hour index of an hour start; stored rows are whole UTC hours. */
export function hourIndex(hourStartSeconds: number): number {
  if (!Number.isInteger(hourStartSeconds / HOUR_SECONDS)) {
    throw new Error(`usage rows are whole hours: ${hourStartSeconds} is not a multiple of ${HOUR_SECONDS} s`);
  }
  return hourStartSeconds / HOUR_SECONDS;
}

/** A key's hour span during a batch; dirty: widened here and not yet written. */
interface Span {
  f: number;
  l: number;
  dirty: boolean;
}

type Figures = [number, number, number, number, number, number, number, number | null];
const FIGURE_KEYS = FIGURE_COLUMNS.split(', ') as Array<Exclude<keyof StoredRow, 'project' | 'machine'>>;

interface StoredRow {
  project: number;
  machine: number;
  busy_cpu_ms: number;
  idle_cpu_ms: number;
  busy_mj: number;
  idle_mj: number;
  busy_ng: number;
  idle_ng: number;
  fallback_ng: number;
  runtime_ms: number | null;
}

/** Day-row delta: hours, runtime hours, then the eight figures (runtime as 0 when unknown). */
interface DayDelta {
  key: number;
  day: number;
  project: number;
  machine: number;
  v: number[];
}

const upsertSql = (table: string, pk: string[], cols: string[]): string =>
  `INSERT INTO ${table} (${[...pk, ...cols].join(', ')}) VALUES (${[...pk, ...cols].map(() => '?').join(', ')})
  ON CONFLICT (${pk.join(', ')}) DO UPDATE SET ${cols.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`;

export class SqliteUsageWriter {
  /** ids never change once given; cleared when a transaction fails, since its new ids are rolled back */
  private readonly keyIds = new Map<number, Map<string, number>>();
  private readonly levels = new Map<number, number>();
  private readonly nameIds = new Map<string, number>();
  private readonly st: Record<string, Database.Statement>;
  private readonly tx: (results: readonly HourResult[]) => void;

  constructor(private readonly db: Database.Database) {
    const dayCols = ['hours', 'runtime_hours', ...FIGURE_COLUMNS.split(', ')];
    this.st = {
      keyIns: db.prepare(
        'INSERT INTO history_keys (level, name, first_hour, last_hour) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'
      ),
      keySel: db.prepare('SELECT id FROM history_keys WHERE level = ? AND name = ?'),
      level: db.prepare('SELECT level FROM history_keys WHERE id = ?').pluck(),
      span: db.prepare('SELECT first_hour AS f, last_hour AS l FROM history_keys WHERE id = ?'),
      widen: db.prepare(
        'UPDATE history_keys SET first_hour = MIN(first_hour, ?), last_hour = MAX(last_hour, ?) WHERE id = ?'
      ),
      keysAt: db.prepare('SELECT id FROM history_keys WHERE first_hour <= ? AND last_hour >= ?').pluck(),
      nameIns: db.prepare('INSERT INTO history_names (name) VALUES (?) ON CONFLICT DO NOTHING'),
      nameSel: db.prepare('SELECT id FROM history_names WHERE name = ?').pluck(),
      del: db.prepare(
        `DELETE FROM history_hour_rows WHERE key = ? AND hour = ? RETURNING project, machine, ${FIGURE_COLUMNS}`
      ),
      delProject: db.prepare(
        `DELETE FROM history_hour_rows WHERE key = ? AND hour = ? AND project = ? RETURNING project, machine, ${FIGURE_COLUMNS}`
      ),
      ins: db.prepare(`INSERT INTO history_hour_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      day: db.prepare(upsertSql('history_day_rows', ['key', 'day', 'project', 'machine'], dayCols)),
      dayEmpty: db.prepare(
        'DELETE FROM history_day_rows WHERE key = ? AND day = ? AND project = ? AND machine = ? AND hours = 0'
      ),
      hostHours: db
        .prepare('SELECT COUNT(*) FROM history_hour_rows WHERE key = ? AND hour >= ? AND hour < ? AND machine = ?')
        .pluck(),
      machineDay: db.prepare(upsertSql('history_machine_days', ['machine', 'day'], ['workspaces', 'hours', ...SUMMED])),
      machineDayEmpty: db.prepare('DELETE FROM history_machine_days WHERE machine = ? AND day = ? AND hours = 0'),
      status:
        db.prepare(`INSERT INTO history_hours (scope, hour_s, status, error, sum_check_ratio, estimated_at_s) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (scope, hour_s) DO UPDATE SET status = excluded.status, error = excluded.error,
        sum_check_ratio = excluded.sum_check_ratio, estimated_at_s = excluded.estimated_at_s`),
      failed:
        db.prepare(`INSERT INTO history_hours (scope, hour_s, status, error, sum_check_ratio, estimated_at_s) VALUES (?, ?, 'failed', ?, NULL, ?)
      ON CONFLICT (scope, hour_s) DO UPDATE SET error = excluded.error, estimated_at_s = excluded.estimated_at_s WHERE status = 'failed'`),
    };
    this.tx = db.transaction((results: readonly HourResult[]) => this.writeBatch(results));
  }

  write(results: readonly HourResult[]): void {
    try {
      this.tx(results);
    } catch (err) {
      this.keyIds.clear();
      this.nameIds.clear();
      this.levels.clear();
      throw err;
    }
  }

  /** The first UTC day with rows or statuses; undefined when there are none. */
  oldestDay(): number | undefined {
    const hour = this.db
      .prepare(
        'SELECT MIN(h) FROM (SELECT MIN(first_hour) AS h FROM history_keys WHERE first_hour <= last_hour UNION ALL SELECT MIN(hour_s) / 3600 FROM history_hours)'
      )
      .pluck()
      .get() as number | null;
    return hour === null ? undefined : Math.floor(hour / DAY_HOURS);
  }

  /** Whole UTC days before the one holding `beforeSeconds`, from every table, in one transaction. */
  prune(beforeSeconds: number): PruneResult {
    const day = Math.floor(beforeSeconds / (HOUR_SECONDS * DAY_HOURS));
    const p = { hour: day * DAY_HOURS, day, s: day * DAY_HOURS * HOUR_SECONDS };
    return this.db.transaction(() => {
      // each key's old hours are a primary-key range: no index on the hour is needed
      const old = 'key IN (SELECT id FROM history_keys WHERE first_hour < @hour)';
      const rows = this.db.prepare(`DELETE FROM history_hour_rows WHERE ${old} AND hour < @hour`).run(p).changes;
      this.db.prepare(`DELETE FROM history_day_rows WHERE ${old} AND day < @day`).run(p);
      this.db.prepare('DELETE FROM history_machine_days WHERE day < @day').run(p);
      // spans start at the key's first remaining hour; a key left without rows gets an empty span (first > last)
      this.db
        .prepare(
          `UPDATE history_keys SET first_hour = COALESCE(
            (SELECT MIN(r.hour) FROM history_hour_rows r WHERE r.key = history_keys.id), last_hour + 1)
          WHERE first_hour < @hour`
        )
        .run(p);
      const statuses = this.db.prepare('DELETE FROM history_hours WHERE hour_s < @s').run(p).changes;
      return { rows, statuses };
    })();
  }

  private nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      this.st.nameIns!.run(name);
      id = this.st.nameSel!.get(name) as number;
      this.nameIds.set(name, id);
    }
    return id;
  }

  private writeBatch(results: readonly HourResult[]): void {
    const now = Date.now() / 1000;
    const spans = new Map<number, Span>();
    /** keys with rows in `hour`: as stored, or as widened earlier in this batch */
    const keysAt = (hour: number): Set<number> => {
      const out = new Set(this.st.keysAt!.all(hour, hour) as number[]);
      for (const [id, sp] of spans) if (sp.dirty && sp.f <= hour && hour <= sp.l) out.add(id);
      return out;
    };
    const deltas = new Map<string, DayDelta>();
    /** figures in column order (busy/idle cpu, busy/idle energy, busy/idle/fallback carbon, runtime) */
    const add = (key: number, hour: number, project: number, machine: number, f: Figures, sign: 1 | -1): void => {
      const day = Math.floor(hour / DAY_HOURS);
      const k = `${key},${day},${project},${machine}`;
      let d = deltas.get(k);
      if (d === undefined) deltas.set(k, (d = { key, day, project, machine, v: Array<number>(10).fill(0) }));
      d.v[0]! += sign;
      if (f[7] !== null) d.v[1]! += sign;
      for (let i = 0; i < 7; i++) d.v[2 + i]! += sign * f[i]!;
      d.v[9]! += sign * (f[7] ?? 0);
    };
    for (const r of results) {
      if (r.status === 'failed') {
        this.st.failed!.run(r.scope, r.hourStartSeconds, r.error ?? null, now);
        continue;
      }
      const hour = hourIndex(r.hourStartSeconds);
      const project = r.scope === '*' ? undefined : (this.st.nameSel!.get(r.scope) as number | undefined);
      if (r.scope === '*' || project !== undefined) {
        for (const key of keysAt(hour)) {
          const old = (
            project === undefined ? this.st.del!.all(key, hour) : this.st.delProject!.all(key, hour, project)
          ) as StoredRow[];
          for (const o of old) add(key, hour, o.project, o.machine, FIGURE_KEYS.map((c) => o[c]) as Figures, -1);
        }
      }
      const kept = r.scope === '*' ? r.rows : r.rows.filter((x) => x.project === r.scope);
      const rounded = roundHour(kept);
      for (let i = 0; i < kept.length; i++) {
        const x = kept[i]!;
        const f = rounded[i]!;
        const h = hourIndex(x.hourStartSeconds);
        const key = this.keyId(x, h, spans);
        const p = this.nameId(x.project);
        const m = this.nameId(x.machine);
        this.st.ins!.run(key, h, p, m, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
        add(key, h, p, m, f, 1);
      }
      this.st.status!.run(r.scope, r.hourStartSeconds, r.status, r.error ?? null, r.sumCheckRatio, now);
    }
    for (const [id, sp] of spans) if (sp.dirty) this.st.widen!.run(sp.f, sp.l, id);
    this.applyDays([...deltas.values()]);
  }

  /** The key's id, created when new, with its hour span widened to include `hour`. */
  private keyId(x: UsageRow, hour: number, spans: Map<number, Span>): number {
    const level = LEVEL_IDS[x.level];
    let ofLevel = this.keyIds.get(level);
    if (ofLevel === undefined) this.keyIds.set(level, (ofLevel = new Map<string, number>()));
    let id = ofLevel.get(x.key);
    if (id === undefined) {
      this.st.keyIns!.run(level, x.key, hour, hour);
      id = (this.st.keySel!.get(level, x.key) as { id: number }).id;
      ofLevel.set(x.key, id);
      this.levels.set(id, level);
    }
    let span = spans.get(id);
    if (span === undefined)
      spans.set(id, (span = { ...(this.st.span!.get(id) as { f: number; l: number }), dirty: false }));
    if (hour < span.f || hour > span.l) {
      span.f = Math.min(span.f, hour);
      span.l = Math.max(span.l, hour);
      span.dirty = true; // written once at the end of the batch, not once per row
    }
    return id;
  }

  /** Day rows, or for host keys machine-day sums (a host counts once per machine type and day). */
  private applyDays(deltas: readonly DayDelta[]): void {
    // a host's hours on a day (at one machine type), counted from its hour rows after the batch; before = after - net
    const hostTriples = new Map<string, { key: number; day: number; machine: number; net: number }>();
    const machineDays = new Map<string, { machine: number; day: number; v: number[] }>();
    for (const d of deltas) {
      if (!this.isHost(d.key)) {
        if (d.v.every((x) => x === 0)) continue;
        this.st.day!.run(d.key, d.day, d.project, d.machine, ...d.v);
        if (d.v[0]! < 0) this.st.dayEmpty!.run(d.key, d.day, d.project, d.machine);
        continue;
      }
      const t = `${d.key},${d.day},${d.machine}`;
      const tr = hostTriples.get(t) ?? { key: d.key, day: d.day, machine: d.machine, net: 0 };
      tr.net += d.v[0]!;
      hostTriples.set(t, tr);
      const m = `${d.machine},${d.day}`;
      let md = machineDays.get(m);
      if (md === undefined) machineDays.set(m, (md = { machine: d.machine, day: d.day, v: Array<number>(8).fill(0) }));
      md.v[1]! += d.v[0]!;
      for (let i = 0; i < 6; i++) md.v[2 + i]! += d.v[2 + i]!;
    }
    for (const t of hostTriples.values()) {
      if (t.net === 0) continue;
      const after = this.st.hostHours!.get(t.key, t.day * DAY_HOURS, (t.day + 1) * DAY_HOURS, t.machine) as number;
      machineDays.get(`${t.machine},${t.day}`)!.v[0]! += Number(after > 0) - Number(after - t.net > 0);
    }
    for (const md of machineDays.values()) {
      if (md.v.every((x) => x === 0)) continue;
      this.st.machineDay!.run(md.machine, md.day, ...md.v);
      if (md.v[1]! < 0) this.st.machineDayEmpty!.run(md.machine, md.day);
    }
  }

  private isHost(key: number): boolean {
    let level = this.levels.get(key);
    if (level === undefined) this.levels.set(key, (level = this.st.level!.get(key) as number));
    return level === LEVEL_IDS.host;
  }
}
