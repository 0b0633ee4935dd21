// Migration of a MongoDB store from the row layout (one document per hour row, long field names, float figures) to
// the compact key-day layout. A day at a time: its old rows are rounded as a write rounds them, set into the key-day
// documents, and only then deleted. Setting an hour (not adding to it) makes a day migrated twice, after an
// interruption between the write and the delete, come out the same: the migration resumes where it stopped.
import type { Collection, Db, Document } from 'mongodb';
import type { Level, UsageRow } from '../../history/types';
import { DAY_SECONDS, type DayDoc } from './mongoLayout';
import { KeyDays, setHourRows } from './mongoWrite';
import type { MongoDictionary } from './mongoDictionary';

/** A document of the row layout. */
export interface OldRowDoc extends Document {
  level: string;
  key: string;
  project: string;
  machine: string;
  hour_s: number;
  busy_cpu: number;
  idle_cpu: number;
  busy_j: number;
  idle_j: number;
  busy_g: number;
  idle_g: number;
  fallback_g: number;
  /** absent on rows written before runtime was kept */
  runtime_s?: number | null;
}

export const oldRowOf = (d: OldRowDoc): UsageRow => ({
  level: d.level as Level,
  key: d.key,
  project: d.project,
  machine: d.machine,
  hourStartSeconds: d.hour_s,
  busyCpuSeconds: d.busy_cpu,
  idleCpuSeconds: d.idle_cpu,
  busyJoules: d.busy_j,
  idleJoules: d.idle_j,
  busyGrams: d.busy_g,
  idleGrams: d.idle_g,
  fallbackGrams: d.fallback_g,
  runtimeSeconds: d.runtime_s ?? null,
});

/** The old collections: the rows, and the per host-day counts the row layout kept for the machine averages. */
export const oldCollections = (db: Db, prefix: string): { rows: Collection<OldRowDoc>; hostDays: string } => ({
  rows: db.collection(`${prefix}_usage`),
  hostDays: `${prefix}_host_days`,
});

/**
 * Moves up to `maxDays` days (all by default) of old rows into the key-day documents; returns the rows moved. The
 * caller drops the old collection once it is empty.
 */
export async function migrateRows(
  old: Collection<OldRowDoc>,
  days: Collection<DayDoc>,
  dict: MongoDictionary,
  maxDays = Infinity
): Promise<number> {
  let moved = 0;
  for (let n = 0; n < maxDays; n++) {
    const first = await old
      .find({}, { projection: { hour_s: 1 } })
      .sort({ hour_s: 1 })
      .limit(1)
      .next();
    if (first === null) break;
    const from = Math.floor(first.hour_s / DAY_SECONDS) * DAY_SECONDS;
    const range = { hour_s: { $gte: from, $lt: from + DAY_SECONDS } };
    const rows = (await old.find(range).toArray()).map(oldRowOf);
    await dict.ensure(
      rows,
      rows.flatMap((r) => [r.project, r.machine])
    );
    const kd = new KeyDays(days);
    await kd.load([from / DAY_SECONDS]);
    const perHour = new Map<number, UsageRow[]>();
    for (const r of rows) {
      const list = perHour.get(r.hourStartSeconds);
      if (list === undefined) perHour.set(r.hourStartSeconds, [r]);
      else list.push(r);
    }
    for (const list of perHour.values()) setHourRows(kd, dict, list);
    const { ops } = kd.changes(() => false);
    if (ops.length) await days.bulkWrite(ops, { ordered: false });
    await old.deleteMany(range);
    moved += rows.length;
  }
  return moved;
}
