// The store file's layout as ordered migrations: append new ones, never edit one that has shipped.
import { compactUsageLayout } from './compactLayout';
import type { Migration } from './migrate';

export const MIGRATIONS: readonly Migration[] = [
  // 1: the layout from before schema versions; a file at version 0 may hold any part of it already
  (db) =>
    db.exec(`
    CREATE TABLE IF NOT EXISTS workspaces (
      id TEXT PRIMARY KEY, status TEXT NOT NULL, site TEXT NOT NULL, host TEXT NOT NULL,
      last_seen_seconds REAL NOT NULL, data TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS workspaces_status_site ON workspaces (status, site);
    CREATE TABLE IF NOT EXISTS history_usage (
      level TEXT NOT NULL, key TEXT NOT NULL, project TEXT NOT NULL, machine TEXT NOT NULL, hour_s INTEGER NOT NULL,
      busy_cpu REAL NOT NULL, idle_cpu REAL NOT NULL, busy_j REAL NOT NULL, idle_j REAL NOT NULL,
      busy_g REAL NOT NULL, idle_g REAL NOT NULL, fallback_g REAL NOT NULL,
      PRIMARY KEY (level, key, hour_s, project, machine)) WITHOUT ROWID;
    -- the per-hour deletes' index; reads all go by the primary key. An index on (level, hour_s) was never picked by
    -- the planner and only slowed the backfill's writes
    CREATE INDEX IF NOT EXISTS history_usage_hour ON history_usage (hour_s, project);
    DROP INDEX IF EXISTS history_usage_level_hour;
    CREATE TABLE IF NOT EXISTS history_hours (
      scope TEXT NOT NULL, hour_s INTEGER NOT NULL, status TEXT NOT NULL, error TEXT, sum_check_ratio REAL,
      estimated_at_s REAL NOT NULL, PRIMARY KEY (scope, hour_s)) WITHOUT ROWID;
  `),
  // 2: the version lives in user_version; the meta table's schema_version row was written and never read
  (db) => db.exec('DROP TABLE IF EXISTS meta'),
  // 3: runtime seconds per row; older rows stay NULL (unknown): their vCPUs were not kept, so it cannot be recomputed
  (db) => db.exec('ALTER TABLE history_usage ADD COLUMN runtime_s REAL'),
  // 4: the carbon slot cache and the machine averages, created until now by their own classes (same layout)
  (db) =>
    db.exec(`
    CREATE TABLE IF NOT EXISTS history_carbon_slots (
      area TEXT NOT NULL, from_s INTEGER NOT NULL, forecast REAL, actual REAL, fetched_at_s REAL NOT NULL,
      PRIMARY KEY (area, from_s));
    CREATE TABLE IF NOT EXISTS history_machine_metrics (
      machine TEXT PRIMARY KEY, workspace_days INTEGER NOT NULL, busy_kwh REAL NOT NULL, idle_kwh REAL NOT NULL,
      busy_g REAL NOT NULL, idle_g REAL NOT NULL, updated_at_s REAL NOT NULL);
  `),
  // 5: usage rows as integer ids and scaled integers, with the day rollup and machine-day sums kept by every write
  compactUsageLayout,
];
