// Machine averages in MongoDB, kept up to date by every write instead of scanning the host documents: per (machine
// type, day) the hosts with hours that day, the hours and the host sums, in stored integer units (exact running sums).
import type { AnyBulkWriteOperation, Collection, Db, Document } from 'mongodb';
import { perHour, type MachineAverage } from './types';
import { decodeCells, keyOfId, type DayDoc } from './mongoLayout';
import { machineDeltas, type MachineDayDelta } from './mongoWrite';
import type { MongoDictionary } from './mongoDictionary';
import { SCALES } from '../compactLayout';

const FIELDS = ['bc', 'ic', 'bj', 'ij', 'bg', 'ig'] as const;
const UNITS = [SCALES.cpu, SCALES.cpu, SCALES.joules, SCALES.joules, SCALES.grams, SCALES.grams];

interface MachineDayDoc extends Document {
  /** machine type name */
  m: string;
  d: number;
  /** hosts with rows that day */
  w: number;
  n: number;
  bc: number;
  ic: number;
  bj: number;
  ij: number;
  bg: number;
  ig: number;
}

interface LayoutDoc extends Document {
  _id: string;
}

export class MongoMachineDays {
  private readonly machineDays: Collection<MachineDayDoc>;
  private readonly layout: Collection<LayoutDoc>;

  constructor(
    db: Db,
    prefix: string,
    private readonly days: Collection<DayDoc>,
    private readonly dict: MongoDictionary
  ) {
    this.machineDays = db.collection(`${prefix}_machine_days`);
    this.layout = db.collection(`${prefix}_layout`);
  }

  /** Index, then (when not marked built) the sums rebuilt from the host documents. */
  async prepare(): Promise<void> {
    await this.machineDays.createIndex({ m: 1, d: 1 }, { unique: true });
    if (await this.layout.findOne({ _id: 'machine_days' })) return;
    await this.machineDays.deleteMany({});
    const hosts = new Set(this.dict.keysOfLevel('host'));
    const pending: Array<{ day: number; before: []; after: ReturnType<typeof decodeCells> }> = [];
    const deltas = new Map<string, MachineDayDelta>();
    const flush = (): void => {
      for (const d of machineDeltas(pending.splice(0))) {
        const k = `${d.m},${d.d}`;
        const acc = deltas.get(k);
        if (acc === undefined) deltas.set(k, d);
        else {
          acc.w += d.w;
          acc.n += d.n;
          d.v.forEach((x, i) => (acc.v[i]! += x));
        }
      }
    };
    for await (const doc of this.days.find({})) {
      if (!hosts.has(keyOfId(doc._id))) continue;
      pending.push({ day: doc.d, before: [], after: decodeCells(doc.b) });
      if (pending.length >= 5000) flush();
    }
    flush();
    const docs = [...deltas.values()].map((d) => this.doc(d));
    for (let i = 0; i < docs.length; i += 5000) {
      await this.machineDays.insertMany(docs.slice(i, i + 5000), { ordered: false });
    }
    await this.layout.updateOne({ _id: 'machine_days' }, { $set: { built_at_s: Date.now() / 1000 } }, { upsert: true });
  }

  private doc(d: MachineDayDelta): MachineDayDoc {
    return { m: this.dict.name(d.m), d: d.d, w: d.w, n: d.n, ...this.sums(d) };
  }

  private sums(d: MachineDayDelta): Record<(typeof FIELDS)[number], number> {
    return Object.fromEntries(FIELDS.map((f, i) => [f, d.v[i]!])) as Record<(typeof FIELDS)[number], number>;
  }

  /** Makes the next prepare() rebuild the sums from the host documents. */
  async invalidate(): Promise<void> {
    await this.layout.deleteOne({ _id: 'machine_days' });
  }

  async apply(deltas: readonly MachineDayDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const ops: AnyBulkWriteOperation<MachineDayDoc>[] = deltas.map((d) => ({
      updateOne: {
        filter: { m: this.dict.name(d.m), d: d.d },
        update: { $inc: { w: d.w, n: d.n, ...this.sums(d) } },
        upsert: true,
      },
    }));
    await this.machineDays.bulkWrite(ops, { ordered: false });
    if (deltas.some((d) => d.n < 0)) await this.machineDays.deleteMany({ n: { $lte: 0 } });
  }

  /** Sums the machine-day documents (a few per machine type and day). */
  async averages(): Promise<MachineAverage[]> {
    const per = new Map<string, { days: number; hours: number; v: number[] }>();
    for (const doc of await this.machineDays.find({}).toArray()) {
      const a = per.get(doc.m) ?? { days: 0, hours: 0, v: [0, 0, 0, 0, 0, 0] };
      a.days += doc.w;
      a.hours += doc.n;
      FIELDS.forEach((f, i) => (a.v[i]! += doc[f]));
      per.set(doc.m, a);
    }
    return [...per]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([machine, { days, hours, v }]) => {
        const [bc, ic, bj, ij, bg, ig] = v.map((x, i) => x / UNITS[i]!) as [
          number,
          number,
          number,
          number,
          number,
          number,
        ];
        return {
          machine,
          workspaceDays: days,
          busyKwhPerWorkspaceDay: bj / 3.6e6 / days,
          idleKwhPerWorkspaceDay: ij / 3.6e6 / days,
          busyGramsPerWorkspaceDay: bg / days,
          idleGramsPerWorkspaceDay: ig / days,
          ...perHour({ days, hours, bc, ic, bj, ij, bg, ig }),
        };
      });
  }

  /** Drops whole days before `day` (a UTC day number). */
  async prune(day: number): Promise<void> {
    await this.machineDays.deleteMany({ d: { $lt: day } });
  }
}
