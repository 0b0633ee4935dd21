// Writes of the compact MongoDB layout: the key-day documents of the days a batch touches are read, changed in
// memory (an estimated hour replaces every stored cell hour of its scope, then its rows go in) and written back,
// only those that changed. The same pass gives the machine-day deltas of the host documents.
import type { AnyBulkWriteOperation, Binary, Collection, Document } from 'mongodb';
import type { HourResult, UsageRow } from '../../history/types';
import {
  checkDay,
  DAY_SECONDS,
  decodeCells,
  docId,
  encodeCells,
  HOURS_PER_DAY,
  keyOfId,
  type Cell,
  type DayDoc,
  type Figures,
} from './mongoLayout';
import type { MongoDictionary } from './mongoDictionary';
import { roundHour } from './sqliteRound';

export interface StatusDoc extends Document {
  scope: string;
  hour_s: number;
  status: string;
  error: string | null;
  sum_check_ratio: number | null;
  estimated_at_s: number;
}

/** The hour of a result as (day, hour within the day); rows are whole UTC hours. */
export function dayHour(hourStartSeconds: number): { day: number; h: number } {
  const hour = hourStartSeconds / 3600;
  if (!Number.isInteger(hour)) throw new Error(`usage rows are whole hours: ${hourStartSeconds} is not one`);
  const day = checkDay(Math.floor(hourStartSeconds / DAY_SECONDS));
  return { day, h: hour - day * HOURS_PER_DAY };
}

interface Loaded {
  id: number;
  day: number;
  before: Cell[];
  stored: Binary | undefined;
  cells: Map<string, Cell>;
}

/** The key-day documents of some days, loaded for change. */
export class KeyDays {
  private readonly docs = new Map<number, Loaded>();
  private readonly byDay = new Map<number, Loaded[]>();

  constructor(private readonly coll: Collection<DayDoc>) {}

  async load(days: readonly number[]): Promise<void> {
    const want = days.filter((d) => !this.byDay.has(d));
    for (const d of want) this.byDay.set(d, []);
    if (want.length === 0) return;
    for (const doc of await this.coll.find({ d: { $in: want } }).toArray()) {
      const before = decodeCells(doc.b);
      this.add(doc._id, doc.d, before, doc.b);
    }
  }

  private add(id: number, day: number, before: Cell[], stored: Binary | undefined): Loaded {
    const cells = new Map(before.map((c) => [`${c.p},${c.m}`, { ...c, hours: [...c.hours] }]));
    const l: Loaded = { id, day, before, stored, cells };
    this.docs.set(id, l);
    let ofDay = this.byDay.get(day);
    if (ofDay === undefined) this.byDay.set(day, (ofDay = []));
    ofDay.push(l);
    return l;
  }

  /** Removes an hour from every key of the day; within one project only when `project` is given. */
  removeHour(day: number, h: number, project?: number): void {
    for (const l of this.byDay.get(day) ?? []) {
      for (const c of l.cells.values()) if (project === undefined || c.p === project) c.hours[h] = undefined;
    }
  }

  set(key: number, day: number, h: number, p: number, m: number, f: Figures): void {
    const id = docId(key, day);
    const l = this.docs.get(id) ?? this.add(id, day, [], undefined);
    const ck = `${p},${m}`;
    let c = l.cells.get(ck);
    if (c === undefined) l.cells.set(ck, (c = { p, m, hours: new Array<Figures | undefined>(HOURS_PER_DAY) }));
    c.hours[h] = f;
  }

  /** The writes that bring the stored documents to the state in memory, and the host documents' before/after. */
  changes(isHost: (key: number) => boolean): {
    ops: AnyBulkWriteOperation<DayDoc>[];
    hosts: Array<{ day: number; before: Cell[]; after: Cell[] }>;
  } {
    const ops: AnyBulkWriteOperation<DayDoc>[] = [];
    const hosts: Array<{ day: number; before: Cell[]; after: Cell[] }> = [];
    for (const l of this.docs.values()) {
      const after = [...l.cells.values()].filter((c) => c.hours.some((f) => f !== undefined));
      const b = encodeCells(after);
      if (l.stored !== undefined && Buffer.compare(l.stored.buffer, b.buffer) === 0) continue;
      if (after.length === 0) {
        if (l.stored !== undefined) ops.push({ deleteOne: { filter: { _id: l.id } } });
      } else {
        ops.push({ replaceOne: { filter: { _id: l.id }, replacement: { d: l.day, b }, upsert: true } });
      }
      if (isHost(keyOfId(l.id))) hosts.push({ day: l.day, before: l.before, after });
    }
    return { ops, hosts };
  }
}

/** A change of one machine-day: hosts (w), hours (n) and the six host sums in stored units. */
export interface MachineDayDelta {
  m: number;
  d: number;
  w: number;
  n: number;
  v: number[];
}

/** Per (machine id, day): the change of host-days, hours and sums from a host document's before to its after. */
export function machineDeltas(hosts: ReadonlyArray<{ day: number; before: Cell[]; after: Cell[] }>): MachineDayDelta[] {
  const out = new Map<string, MachineDayDelta>();
  for (const { day, before, after } of hosts) {
    const perMachine = new Map<number, { had: boolean; has: boolean }>();
    const note = (cells: Cell[], sign: 1 | -1): void => {
      for (const c of cells) {
        const k = `${c.m},${day}`;
        let d = out.get(k);
        if (d === undefined) out.set(k, (d = { m: c.m, d: day, w: 0, n: 0, v: [0, 0, 0, 0, 0, 0] }));
        const pm = perMachine.get(c.m) ?? { had: false, has: false };
        for (const f of c.hours) {
          if (f === undefined) continue;
          d.n += sign;
          for (let i = 0; i < 6; i++) d.v[i]! += sign * f[i]!;
          if (sign < 0) pm.had = true;
          else pm.has = true;
        }
        perMachine.set(c.m, pm);
      }
    };
    note(before, -1);
    note(after, 1);
    for (const [m, pm] of perMachine) out.get(`${m},${day}`)!.w += Number(pm.has) - Number(pm.had);
  }
  return [...out.values()].filter((d) => d.w !== 0 || d.n !== 0 || d.v.some((x) => x !== 0));
}

/** Applies the non-failed results of a batch to the loaded key-days (ids must exist for their keys and names). */
export async function applyResults(
  days: KeyDays,
  dict: MongoDictionary,
  results: readonly HourResult[]
): Promise<void> {
  const estimated = results.filter((r) => r.status !== 'failed');
  const touched = estimated.flatMap((r) => [r.hourStartSeconds, ...r.rows.map((x) => x.hourStartSeconds)]);
  await days.load([...new Set(touched.map((s) => dayHour(s).day))]);
  for (const r of estimated) {
    const { day, h } = dayHour(r.hourStartSeconds);
    if (r.scope === '*') days.removeHour(day, h);
    else {
      const p = dict.nameId(r.scope);
      if (p !== undefined) days.removeHour(day, h, p);
    }
    setHourRows(days, dict, r.scope === '*' ? r.rows : r.rows.filter((x) => x.project === r.scope));
  }
}

/**
 * Sets the rows of one hour on the loaded key-days, rounded together (the rounding keeps the hour's totals, so it
 * needs all of them at once); ids must exist for their keys and names.
 */
export function setHourRows(days: KeyDays, dict: MongoDictionary, rows: readonly UsageRow[]): void {
  const rounded = roundHour(rows);
  rows.forEach((x, i) => {
    const at = dayHour(x.hourStartSeconds);
    days.set(dict.keyId(x.level, x.key)!, at.day, at.h, dict.nameId(x.project)!, dict.nameId(x.machine)!, rounded[i]!);
  });
}

export function statusOps(results: readonly HourResult[], now: number): AnyBulkWriteOperation<StatusDoc>[] {
  const out: AnyBulkWriteOperation<StatusDoc>[] = [];
  for (const r of results) {
    if (r.status === 'failed') {
      // never downgrade an estimated hour to failed
      out.push({
        updateOne: {
          filter: { scope: r.scope, hour_s: r.hourStartSeconds, status: 'failed' },
          update: { $set: { error: r.error ?? null, estimated_at_s: now } },
        },
      });
      out.push({
        updateOne: {
          filter: { scope: r.scope, hour_s: r.hourStartSeconds },
          update: {
            $setOnInsert: { status: 'failed', error: r.error ?? null, sum_check_ratio: null, estimated_at_s: now },
          },
          upsert: true,
        },
      });
      continue;
    }
    out.push({
      updateOne: {
        filter: { scope: r.scope, hour_s: r.hourStartSeconds },
        update: {
          $set: { status: r.status, error: r.error ?? null, sum_check_ratio: r.sumCheckRatio, estimated_at_s: now },
        },
        upsert: true,
      },
    });
  }
  return out;
}
