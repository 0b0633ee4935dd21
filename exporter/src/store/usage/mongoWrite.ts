// The MongoDB store's documents and the bulk operations of one writeHours call.
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import type { HourResult, Level, UsageRow } from '../../history/types';

export interface RowDoc extends Document {
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

export interface StatusDoc extends Document {
  scope: string;
  hour_s: number;
  status: string;
  error: string | null;
  sum_check_ratio: number | null;
  estimated_at_s: number;
}

export const rowDoc = (x: UsageRow): RowDoc => ({
  level: x.level,
  key: x.key,
  project: x.project,
  machine: x.machine,
  hour_s: x.hourStartSeconds,
  busy_cpu: x.busyCpuSeconds,
  idle_cpu: x.idleCpuSeconds,
  busy_j: x.busyJoules,
  idle_j: x.idleJoules,
  busy_g: x.busyGrams,
  idle_g: x.idleGrams,
  fallback_g: x.fallbackGrams,
  runtime_s: x.runtimeSeconds ?? null,
});

export const docRow = (d: RowDoc): UsageRow => ({
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

/** The rows a result replaces: its hour, within its scope. */
export const replacedBy = (r: HourResult): Document =>
  r.scope === '*' ? { hour_s: r.hourStartSeconds } : { hour_s: r.hourStartSeconds, project: r.scope };

export interface WriteOps {
  rows: AnyBulkWriteOperation<RowDoc>[];
  statuses: AnyBulkWriteOperation<StatusDoc>[];
  /** the host-level rows inserted, for the machine averages */
  hostRows: UsageRow[];
}

export function writeOps(results: readonly HourResult[], now: number): WriteOps {
  const out: WriteOps = { rows: [], statuses: [], hostRows: [] };
  for (const r of results) {
    if (r.status === 'failed') {
      // never downgrade an estimated hour to failed
      out.statuses.push({
        updateOne: {
          filter: { scope: r.scope, hour_s: r.hourStartSeconds, status: 'failed' },
          update: { $set: { error: r.error ?? null, estimated_at_s: now } },
        },
      });
      out.statuses.push({
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
    out.rows.push({ deleteMany: { filter: replacedBy(r) } });
    for (const x of r.rows) {
      if (r.scope !== '*' && x.project !== r.scope) continue;
      out.rows.push({ insertOne: { document: rowDoc(x) } });
      if (x.level === 'host') out.hostRows.push(x);
    }
    out.statuses.push({
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
