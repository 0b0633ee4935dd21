// The MongoDB usage layout before key-days (one document per hour row), as the store before wrote it: for the
// migration test and the store bench, which both build such a database with the driver.
import type { Db } from 'mongodb';
import type { OldRowDoc } from '../../exporter/src/store/usage/mongoMigrate';
import type { UsageRow } from '../../exporter/src/history/types';

/** A row as its document; `omitNullRuntime`: no runtime field where it is null, as the oldest rows were kept. */
export function rowDocOf(r: UsageRow, omitNullRuntime = false): OldRowDoc {
  return {
    level: r.level,
    key: r.key,
    project: r.project,
    machine: r.machine,
    hour_s: r.hourStartSeconds,
    busy_cpu: r.busyCpuSeconds,
    idle_cpu: r.idleCpuSeconds,
    busy_j: r.busyJoules,
    idle_j: r.idleJoules,
    busy_g: r.busyGrams,
    idle_g: r.idleGrams,
    fallback_g: r.fallbackGrams,
    ...(omitNullRuntime && r.runtimeSeconds === null ? {} : { runtime_s: r.runtimeSeconds ?? null }),
  };
}

/** The row layout's indexes: the unique row key, the per-hour index, the status key and the kept sums' keys. */
export async function createRowLayoutIndexes(db: Db): Promise<void> {
  const usage = db.collection<OldRowDoc>('history_usage');
  await usage.createIndex({ level: 1, key: 1, hour_s: 1, project: 1, machine: 1 }, { unique: true });
  await usage.createIndex({ hour_s: 1, project: 1 });
  await db.collection('history_hours').createIndex({ scope: 1, hour_s: 1 }, { unique: true });
  await db.collection('history_host_days').createIndex({ d: 1, k: 1, m: 1 }, { unique: true });
  await db.collection('history_machine_days').createIndex({ m: 1, d: 1 }, { unique: true });
}
