/**
 * A synthetic year of usage rows for the store benchmarks, shaped as the backfill writes them: per hour one row per
 * host, and per (project, machine type) one row at the site, project, machine and experiment levels; users either
 * one per four hosts or all unknown (one row per project and machine type, as without ownership records).
 */
import type { HourResult, UsageRow } from '../src/history/types';

export interface FleetShape {
  hosts: number;
  days: number;
  projects: number;
  machines: number;
  /** hosts per user; 0: no ownership (every user unknown) */
  hostsPerUser: number;
}

export const FLEET_START_SECONDS = Date.UTC(2025, 0, 1) / 1000;
export const SITE = 'isis';
export const projectName = (i: number): string => `project-${i}`;
export const hostName = (i: number): string => `host-172-16-${Math.floor(i / 250)}-${i % 250}`;

const fig = (seed: number): number => ((Math.sin(seed) * 10000) % 1) + 1; // deterministic, 0..2

export function hourRows(shape: FleetShape, hour: number): UsageRow[] {
  const h = FLEET_START_SECONDS + hour * 3600;
  const out: UsageRow[] = [];
  const groups = new Map<string, UsageRow[]>();
  const add = (level: UsageRow['level'], key: string, base: UsageRow): void => {
    const id = `${level}\u0000${key}\u0000${base.project}\u0000${base.machine}`;
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = []));
    g.push({ ...base, level, key });
  };
  for (let i = 0; i < shape.hosts; i++) {
    const f = fig(i * 7919 + hour);
    const project = projectName(i % shape.projects);
    const machine = `machine-${i % shape.machines}`;
    const cpus = 4 << (i % 3);
    const row: UsageRow = {
      level: 'host',
      key: hostName(i),
      project,
      machine,
      hourStartSeconds: h,
      busyCpuSeconds: 360 * cpus * f * 0.2,
      idleCpuSeconds: 3600 * cpus * (1 - f * 0.1),
      busyJoules: 90000 * f * cpus,
      idleJoules: 40000 * cpus,
      busyGrams: 5.5 * f * cpus,
      idleGrams: 2.4 * cpus,
      fallbackGrams: 0,
      runtimeSeconds: 3600,
    };
    out.push(row);
    add('site', SITE, row);
    add('project', project, row);
    add('machine', machine, row);
    add('experiment', 'unknown', row);
    add('user', shape.hostsPerUser > 0 ? `user-${Math.floor(i / shape.hostsPerUser)}` : 'unknown', row);
  }
  for (const g of groups.values()) {
    const sum = { ...g[0]! };
    for (const r of g.slice(1)) {
      sum.busyCpuSeconds += r.busyCpuSeconds;
      sum.idleCpuSeconds += r.idleCpuSeconds;
      sum.busyJoules += r.busyJoules;
      sum.idleJoules += r.idleJoules;
      sum.busyGrams += r.busyGrams;
      sum.idleGrams += r.idleGrams;
      sum.runtimeSeconds! += r.runtimeSeconds!;
    }
    out.push(sum);
  }
  return out;
}

export const dayResults = (shape: FleetShape, day: number): HourResult[] =>
  Array.from({ length: 24 }, (_, i) => ({
    scope: '*',
    hourStartSeconds: FLEET_START_SECONDS + (day * 24 + i) * 3600,
    status: 'ok' as const,
    sumCheckRatio: 1,
    rows: hourRows(shape, day * 24 + i),
  }));
