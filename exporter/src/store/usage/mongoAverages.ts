// Machine averages in MongoDB, kept up to date by every write instead of scanning the host rows: per (host, day,
// machine type) the hours stored (to count workspace-days), and per (machine type, day) the host sums.
import type { AnyBulkWriteOperation, Collection, Db, Document } from 'mongodb';
import type { UsageRow } from '../../history/types';
import { perHour, type MachineAverage } from './types';
import { docRow, type RowDoc } from './mongoWrite';
import { isNotImplemented } from './mongoClientSide';

const DAY_SECONDS = 86400;
const FIELDS = ['bc', 'ic', 'bj', 'ij', 'bg', 'ig'] as const;
const figures = (r: UsageRow): number[] => [
  r.busyCpuSeconds,
  r.idleCpuSeconds,
  r.busyJoules,
  r.idleJoules,
  r.busyGrams,
  r.idleGrams,
];

interface HostDayDoc extends Document {
  k: string;
  m: string;
  d: number;
  /** host-level rows (hours x projects) stored for that day */
  n: number;
}
interface MachineDayDoc extends Document {
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
type HostDayGroup = HostDayDoc & Record<(typeof FIELDS)[number], number>;

const dayStart = (s: number): number => s - (((s % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS);

const HOST_DAY_PIPELINE: Document[] = [
  { $match: { level: 'host' } },
  {
    $group: {
      _id: { k: '$key', m: '$machine', d: { $subtract: ['$hour_s', { $mod: ['$hour_s', DAY_SECONDS] }] } },
      n: { $sum: 1 },
      ...Object.fromEntries(
        FIELDS.map((f, i) => [f, { $sum: `$${['busy_cpu', 'idle_cpu', 'busy_j', 'idle_j', 'busy_g', 'idle_g'][i]}` }])
      ),
    },
  },
  {
    $project: { _id: 0, k: '$_id.k', m: '$_id.m', d: '$_id.d', n: 1, ...Object.fromEntries(FIELDS.map((f) => [f, 1])) },
  },
];

interface LayoutDoc extends Document {
  _id: string;
}

export class MongoMachineDays {
  private readonly hostDays: Collection<HostDayDoc>;
  private readonly machineDays: Collection<MachineDayDoc>;
  private readonly layout: Collection<LayoutDoc>;

  constructor(
    db: Db,
    prefix: string,
    private readonly usage: Collection<RowDoc>
  ) {
    this.hostDays = db.collection(`${prefix}_host_days`);
    this.machineDays = db.collection(`${prefix}_machine_days`);
    this.layout = db.collection(`${prefix}_layout`);
  }

  /** Indexes, then (once per database) the sums of the host rows stored before they were kept. */
  async prepare(): Promise<void> {
    await this.hostDays.createIndex({ d: 1, k: 1, m: 1 }, { unique: true });
    await this.machineDays.createIndex({ m: 1, d: 1 }, { unique: true });
    if (await this.layout.findOne({ _id: 'machine_days' })) return;
    await this.hostDays.deleteMany({});
    await this.machineDays.deleteMany({});
    const perMachineDay = new Map<string, MachineDayDoc>();
    const hostDocs: HostDayDoc[] = [];
    const add = async (g: HostDayGroup): Promise<void> => {
      const id = JSON.stringify([g.m, g.d]);
      const md = perMachineDay.get(id) ?? { m: g.m, d: g.d, w: 0, n: 0, bc: 0, ic: 0, bj: 0, ij: 0, bg: 0, ig: 0 };
      md.w++;
      md.n += g.n;
      for (const f of FIELDS) md[f] += g[f];
      perMachineDay.set(id, md);
      hostDocs.push({ k: g.k, m: g.m, d: g.d, n: g.n });
      if (hostDocs.length >= 10000) await this.hostDays.insertMany(hostDocs.splice(0), { ordered: false });
    };
    try {
      // MongoDB groups on the server; FerretDB 1.x lacks $subtract/$mod there and the rows are summed here
      for await (const g of this.usage.aggregate<HostDayGroup>(HOST_DAY_PIPELINE, { allowDiskUse: true })) await add(g);
    } catch (err) {
      if (!isNotImplemented(err)) throw err;
      const groups = new Map<string, HostDayGroup>();
      for await (const doc of this.usage.find({ level: 'host' })) {
        const r = docRow(doc);
        const d = dayStart(r.hourStartSeconds);
        const id = JSON.stringify([r.key, r.machine, d]);
        const g = groups.get(id) ?? { k: r.key, m: r.machine, d, n: 0, bc: 0, ic: 0, bj: 0, ij: 0, bg: 0, ig: 0 };
        g.n++;
        figures(r).forEach((x, i) => (g[FIELDS[i]!] += x));
        groups.set(id, g);
      }
      for (const g of groups.values()) await add(g);
    }
    if (hostDocs.length) await this.hostDays.insertMany(hostDocs, { ordered: false });
    if (perMachineDay.size) await this.machineDays.insertMany([...perMachineDay.values()], { ordered: false });
    await this.layout.updateOne({ _id: 'machine_days' }, { $set: { built_at_s: Date.now() / 1000 } }, { upsert: true });
  }

  /** Makes the next prepare() rebuild the sums from the rows. */
  async invalidate(): Promise<void> {
    await this.layout.deleteOne({ _id: 'machine_days' });
  }

  /** Adjusts both collections for host rows removed and added by one write. */
  async apply(removed: readonly UsageRow[], added: readonly UsageRow[]): Promise<void> {
    if (removed.length === 0 && added.length === 0) return;
    const triples = new Map<string, { k: string; m: string; d: number; n: number }>();
    const machines = new Map<string, { m: string; d: number; w: number; n: number; v: number[] }>();
    const note = (r: UsageRow, sign: 1 | -1): void => {
      const d = dayStart(r.hourStartSeconds);
      const t = JSON.stringify([r.key, r.machine, d]);
      const tr = triples.get(t) ?? { k: r.key, m: r.machine, d, n: 0 };
      tr.n += sign;
      triples.set(t, tr);
      const mk = JSON.stringify([r.machine, d]);
      const md = machines.get(mk) ?? { m: r.machine, d, w: 0, n: 0, v: [0, 0, 0, 0, 0, 0] };
      md.n += sign;
      figures(r).forEach((x, i) => (md.v[i]! += sign * x));
      machines.set(mk, md);
    };
    for (const r of removed) note(r, -1);
    for (const r of added) note(r, 1);
    const all = [...triples.values()];
    const before = new Map<string, number>();
    for (const doc of await this.hostDays
      .find({ d: { $in: [...new Set(all.map((t) => t.d))] }, k: { $in: [...new Set(all.map((t) => t.k))] } })
      .toArray()) {
      before.set(JSON.stringify([doc.k, doc.m, doc.d]), doc.n);
    }
    const hostOps: AnyBulkWriteOperation<HostDayDoc>[] = [];
    for (const [t, tr] of triples) {
      if (tr.n === 0) continue;
      const was = before.get(t) ?? 0;
      machines.get(JSON.stringify([tr.m, tr.d]))!.w += Number(was + tr.n > 0) - Number(was > 0);
      hostOps.push({
        updateOne: { filter: { k: tr.k, m: tr.m, d: tr.d }, update: { $inc: { n: tr.n } }, upsert: true },
      });
    }
    if (hostOps.length) await this.hostDays.bulkWrite(hostOps, { ordered: false });
    await this.hostDays.deleteMany({ n: { $lte: 0 } });
    const machineOps: AnyBulkWriteOperation<MachineDayDoc>[] = [...machines.values()].map((md) => ({
      updateOne: {
        filter: { m: md.m, d: md.d },
        update: { $inc: { w: md.w, n: md.n, ...Object.fromEntries(FIELDS.map((f, i) => [f, md.v[i]!])) } },
        upsert: true,
      },
    }));
    if (machineOps.length) await this.machineDays.bulkWrite(machineOps, { ordered: false });
    await this.machineDays.deleteMany({ n: { $lte: 0 } });
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
        const [bc, ic, bj, ij, bg, ig] = v as [number, number, number, number, number, number];
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

  /** Drops whole days before `day` (seconds of a UTC day start). */
  async prune(dayStartSeconds: number): Promise<void> {
    await this.hostDays.deleteMany({ d: { $lt: dayStartSeconds } });
    await this.machineDays.deleteMany({ d: { $lt: dayStartSeconds } });
  }
}
