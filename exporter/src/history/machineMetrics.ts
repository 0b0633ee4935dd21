// Machine averages (the seed's MachineMetrics), computed from history and kept in SQLite.
import type Database from 'better-sqlite3';
import type { MachineAverage } from '../store/usage/types';

export interface MachineMetricsDoc {
  machine_name: string;
  workspace_days: number;
  metrics: {
    energy_kwh: { busy: { average: number }; idle: { average: number } };
    carbon_gCo2eq: { busy: { average: number }; idle: { average: number } };
  };
  updated_at: string;
}

export class MachineMetricsTable {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS history_machine_metrics (
      machine TEXT PRIMARY KEY, workspace_days INTEGER NOT NULL, busy_kwh REAL NOT NULL, idle_kwh REAL NOT NULL,
      busy_g REAL NOT NULL, idle_g REAL NOT NULL, updated_at_s REAL NOT NULL)`);
  }

  /** Replaces the table with fresh averages (one transaction). */
  save(list: readonly MachineAverage[], nowSeconds = Date.now() / 1000): void {
    const put = this.db.prepare('INSERT INTO history_machine_metrics VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM history_machine_metrics').run();
      for (const m of list) {
        put.run(
          m.machine,
          m.workspaceDays,
          m.busyKwhPerWorkspaceDay,
          m.idleKwhPerWorkspaceDay,
          m.busyGramsPerWorkspaceDay,
          m.idleGramsPerWorkspaceDay,
          nowSeconds
        );
      }
    })();
  }

  list(): MachineMetricsDoc[] {
    const rows = this.db.prepare('SELECT * FROM history_machine_metrics ORDER BY machine').all() as Array<{
      machine: string;
      workspace_days: number;
      busy_kwh: number;
      idle_kwh: number;
      busy_g: number;
      idle_g: number;
      updated_at_s: number;
    }>;
    return rows.map((r) => ({
      machine_name: r.machine,
      workspace_days: r.workspace_days,
      metrics: {
        energy_kwh: { busy: { average: r.busy_kwh }, idle: { average: r.idle_kwh } },
        carbon_gCo2eq: { busy: { average: r.busy_g }, idle: { average: r.idle_g } },
      },
      updated_at: new Date(r.updated_at_s * 1000).toISOString(),
    }));
  }
}
