// What history derives besides the hourly rows: the carbon API's half-hours and the per-machine averages. Both can
// be rebuilt (from the API, from the rows), so they live beside the rows in whichever store holds those.
import type Database from 'better-sqlite3';

/** One cached half-hour of the carbon API for an area. */
export interface CarbonSlotRecord {
  fromSeconds: number;
  forecast: number | null;
  actual: number | null;
  fetchedAtSeconds: number;
}

/** The averages of one machine type per workspace-day, as last computed from the rows. */
export interface MachineMetricsRecord {
  machine: string;
  workspaceDays: number;
  busyKwh: number;
  idleKwh: number;
  busyGrams: number;
  idleGrams: number;
  updatedAtSeconds: number;
}

/** Reads and writes of the derived data; every method may reject with UsageStoreError when the store is down. */
export interface DerivedStore {
  /** the cached slots of `area` whose start is in [from, to) */
  carbonSlots(area: string, fromSeconds: number, toSeconds: number): Promise<CarbonSlotRecord[]>;
  /** upserts by (area, start) */
  putCarbonSlots(area: string, slots: readonly CarbonSlotRecord[]): Promise<void>;
  /** replaces every machine's averages at once */
  replaceMachineMetrics(list: readonly MachineMetricsRecord[]): Promise<void>;
  /** by machine name */
  machineMetrics(): Promise<MachineMetricsRecord[]>;
}

type Guard = <T>(what: string, fn: () => T) => Promise<T>;

/** The derived tables of the SQLite store file (migration 4). */
export class SqliteDerivedStore implements DerivedStore {
  private readonly putSlot: Database.Statement;
  private readonly putMachine: Database.Statement;
  private readonly replaceAll: (list: readonly MachineMetricsRecord[]) => void;
  private readonly upsertAll: (area: string, slots: readonly CarbonSlotRecord[]) => void;

  constructor(
    private readonly db: Database.Database,
    private readonly guard: Guard
  ) {
    this.putSlot =
      db.prepare(`INSERT INTO history_carbon_slots (area, from_s, forecast, actual, fetched_at_s) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (area, from_s) DO UPDATE SET forecast = excluded.forecast, actual = excluded.actual, fetched_at_s = excluded.fetched_at_s`);
    this.putMachine = db.prepare('INSERT INTO history_machine_metrics VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.upsertAll = db.transaction((area: string, slots: readonly CarbonSlotRecord[]) => {
      for (const s of slots) this.putSlot.run(area, s.fromSeconds, s.forecast, s.actual, s.fetchedAtSeconds);
    });
    this.replaceAll = db.transaction((list: readonly MachineMetricsRecord[]) => {
      db.prepare('DELETE FROM history_machine_metrics').run();
      for (const m of list)
        this.putMachine.run(
          m.machine,
          m.workspaceDays,
          m.busyKwh,
          m.idleKwh,
          m.busyGrams,
          m.idleGrams,
          m.updatedAtSeconds
        );
    });
  }

  carbonSlots(area: string, fromSeconds: number, toSeconds: number): Promise<CarbonSlotRecord[]> {
    return this.guard('read', () =>
      this.db
        .prepare(
          `SELECT from_s AS fromSeconds, forecast, actual, fetched_at_s AS fetchedAtSeconds FROM history_carbon_slots
          WHERE area = ? AND from_s >= ? AND from_s < ? ORDER BY from_s`
        )
        .all(area, fromSeconds, toSeconds)
    ) as Promise<CarbonSlotRecord[]>;
  }

  putCarbonSlots(area: string, slots: readonly CarbonSlotRecord[]): Promise<void> {
    return this.guard('write', () => this.upsertAll(area, slots));
  }

  replaceMachineMetrics(list: readonly MachineMetricsRecord[]): Promise<void> {
    return this.guard('write', () => this.replaceAll(list));
  }

  machineMetrics(): Promise<MachineMetricsRecord[]> {
    return this.guard('read', () =>
      this.db
        .prepare(
          `SELECT machine, workspace_days AS workspaceDays, busy_kwh AS busyKwh, idle_kwh AS idleKwh,
          busy_g AS busyGrams, idle_g AS idleGrams, updated_at_s AS updatedAtSeconds
          FROM history_machine_metrics ORDER BY machine`
        )
        .all()
    ) as Promise<MachineMetricsRecord[]>;
  }
}
