// The derived data (carbon slots, machine averages) in MongoDB, beside the usage rows and on the same client.
import type { AnyBulkWriteOperation, Collection, Db, Document } from 'mongodb';
import type { CarbonSlotRecord, DerivedStore, MachineMetricsRecord } from './derived';

interface SlotDoc extends Document {
  area: string;
  from_s: number;
  forecast: number | null;
  actual: number | null;
  fetched_at_s: number;
}
interface MachineDoc extends Document {
  machine: string;
  workspace_days: number;
  busy_kwh: number;
  idle_kwh: number;
  busy_g: number;
  idle_g: number;
  updated_at_s: number;
}

type Guard = <T>(what: string, fn: () => Promise<T>) => Promise<T>;

export class MongoDerivedStore implements DerivedStore {
  private readonly slots: Collection<SlotDoc>;
  private readonly machines: Collection<MachineDoc>;

  constructor(
    db: Db,
    prefix: string,
    private readonly guard: Guard
  ) {
    this.slots = db.collection(`${prefix}_carbon_slots`);
    this.machines = db.collection(`${prefix}_machine_metrics`);
  }

  /** Idempotent; run by the usage store when it first connects. */
  async createIndexes(): Promise<void> {
    await this.slots.createIndex({ area: 1, from_s: 1 }, { unique: true });
    await this.machines.createIndex({ machine: 1 }, { unique: true });
  }

  carbonSlots(area: string, fromSeconds: number, toSeconds: number): Promise<CarbonSlotRecord[]> {
    return this.guard('read', async () => {
      const docs = await this.slots
        .find({ area, from_s: { $gte: fromSeconds, $lt: toSeconds } }, { projection: { _id: 0 } })
        .sort({ from_s: 1 })
        .toArray();
      return docs.map((d) => ({
        fromSeconds: d.from_s,
        forecast: d.forecast,
        actual: d.actual,
        fetchedAtSeconds: d.fetched_at_s,
      }));
    });
  }

  putCarbonSlots(area: string, slots: readonly CarbonSlotRecord[]): Promise<void> {
    if (slots.length === 0) return Promise.resolve();
    const ops: AnyBulkWriteOperation<SlotDoc>[] = slots.map((s) => ({
      updateOne: {
        filter: { area, from_s: s.fromSeconds },
        update: { $set: { forecast: s.forecast, actual: s.actual, fetched_at_s: s.fetchedAtSeconds } },
        upsert: true,
      },
    }));
    return this.guard('write', async () => void (await this.slots.bulkWrite(ops, { ordered: false })));
  }

  /**
   * Upserts every machine, then removes the machines no longer listed: without transactions (FerretDB has none)
   * a reader sees the old or the new averages of each machine, never an empty list.
   */
  replaceMachineMetrics(list: readonly MachineMetricsRecord[]): Promise<void> {
    return this.guard('write', async () => {
      if (list.length > 0)
        await this.machines.bulkWrite(
          list.map((m) => ({
            replaceOne: {
              filter: { machine: m.machine },
              replacement: {
                machine: m.machine,
                workspace_days: m.workspaceDays,
                busy_kwh: m.busyKwh,
                idle_kwh: m.idleKwh,
                busy_g: m.busyGrams,
                idle_g: m.idleGrams,
                updated_at_s: m.updatedAtSeconds,
              },
              upsert: true,
            },
          })),
          { ordered: false }
        );
      await this.machines.deleteMany({ machine: { $nin: list.map((m) => m.machine) } });
    });
  }

  machineMetrics(): Promise<MachineMetricsRecord[]> {
    return this.guard('read', async () => {
      const docs = await this.machines
        .find({}, { projection: { _id: 0 } })
        .sort({ machine: 1 })
        .toArray();
      return docs.map((d) => ({
        machine: d.machine,
        workspaceDays: d.workspace_days,
        busyKwh: d.busy_kwh,
        idleKwh: d.idle_kwh,
        busyGrams: d.busy_g,
        idleGrams: d.idle_g,
        updatedAtSeconds: d.updated_at_s,
      }));
    });
  }
}
