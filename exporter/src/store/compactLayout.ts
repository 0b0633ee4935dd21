// Migration 5: the usage rows in a compact layout. Text (level, key, project, machine type) is stored once in
// dictionary tables and referenced by integer ids; figures are scaled integers (exact sums); hours and days count
// from the epoch. Beside the hour rows, a day rollup (whole UTC days, for long-range reads; not for hosts, whose
// reads are one host's hours) and per (machine type, day) host sums (the machine averages) are kept up to date by
// every write.
import type Database from 'better-sqlite3';

/** Level ids as stored: fixed here, never to be renumbered. */
export const LEVEL_IDS = { site: 0, project: 1, experiment: 2, machine: 3, host: 4, user: 5 } as const;
/**
 * Stored units per base unit: cpu and runtime in ms, energy in mJ, carbon in ng. Grams get the finest unit: they are
 * small numbers divided by kWh (intensities), where a milligram would show.
 */
export const SCALES = { cpu: 1e3, joules: 1e3, grams: 1e9, runtime: 1e3 } as const;

const FIGURES = `busy_cpu_ms INTEGER NOT NULL, idle_cpu_ms INTEGER NOT NULL, busy_mj INTEGER NOT NULL,
  idle_mj INTEGER NOT NULL, busy_ng INTEGER NOT NULL, idle_ng INTEGER NOT NULL`;

export function compactUsageLayout(db: Database.Database): void {
  db.exec(`
    CREATE TABLE history_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    -- first_hour/last_hour bound the hours a key has rows in: a write replacing an hour visits only those keys
    CREATE TABLE history_keys (
      id INTEGER PRIMARY KEY, level INTEGER NOT NULL, name TEXT NOT NULL,
      first_hour INTEGER NOT NULL, last_hour INTEGER NOT NULL, UNIQUE (level, name));
    CREATE TABLE history_hour_rows (
      key INTEGER NOT NULL, hour INTEGER NOT NULL, project INTEGER NOT NULL, machine INTEGER NOT NULL, ${FIGURES},
      fallback_ng INTEGER NOT NULL, runtime_ms INTEGER,
      PRIMARY KEY (key, hour, project, machine)) WITHOUT ROWID;
    -- hours: rows summed; runtime_hours: of those, rows with a runtime (the day's runtime is known when both agree)
    CREATE TABLE history_day_rows (
      key INTEGER NOT NULL, day INTEGER NOT NULL, project INTEGER NOT NULL, machine INTEGER NOT NULL,
      hours INTEGER NOT NULL, runtime_hours INTEGER NOT NULL, ${FIGURES}, fallback_ng INTEGER NOT NULL,
      runtime_ms INTEGER NOT NULL, PRIMARY KEY (key, day, project, machine)) WITHOUT ROWID;
    -- host-level sums per machine type and day; workspaces = hosts with rows that day
    CREATE TABLE history_machine_days (
      machine INTEGER NOT NULL, day INTEGER NOT NULL, workspaces INTEGER NOT NULL, hours INTEGER NOT NULL, ${FIGURES},
      PRIMARY KEY (machine, day)) WITHOUT ROWID;
  `);
  const levelCase = `CASE level ${Object.entries(LEVEL_IDS)
    .map(([name, id]) => `WHEN '${name}' THEN ${id}`)
    .join(' ')} END`;
  const scaled = (col: string, unit: keyof typeof SCALES): string => `CAST(ROUND(${col} * ${SCALES[unit]}) AS INTEGER)`;
  db.exec(`
    INSERT INTO history_names (name) SELECT project FROM history_usage UNION SELECT machine FROM history_usage;
    INSERT INTO history_keys (level, name, first_hour, last_hour)
      SELECT ${levelCase}, key, MIN(hour_s) / 3600, MAX(hour_s) / 3600 FROM history_usage GROUP BY level, key;
    INSERT INTO history_hour_rows
      SELECT k.id, u.hour_s / 3600, p.id, m.id, ${scaled('u.busy_cpu', 'cpu')}, ${scaled('u.idle_cpu', 'cpu')},
        ${scaled('u.busy_j', 'joules')}, ${scaled('u.idle_j', 'joules')}, ${scaled('u.busy_g', 'grams')},
        ${scaled('u.idle_g', 'grams')}, ${scaled('u.fallback_g', 'grams')}, ${scaled('u.runtime_s', 'runtime')}
      FROM history_usage u JOIN history_keys k ON k.level = ${levelCase.replace('level', 'u.level')} AND k.name = u.key
      JOIN history_names p ON p.name = u.project JOIN history_names m ON m.name = u.machine;
    INSERT INTO history_day_rows
      SELECT key, hour / 24, project, machine, COUNT(*), COUNT(runtime_ms), SUM(busy_cpu_ms), SUM(idle_cpu_ms),
        SUM(busy_mj), SUM(idle_mj), SUM(busy_ng), SUM(idle_ng), SUM(fallback_ng), COALESCE(SUM(runtime_ms), 0)
      FROM history_hour_rows WHERE key NOT IN (SELECT id FROM history_keys WHERE level = ${LEVEL_IDS.host})
      GROUP BY key, hour / 24, project, machine;
    INSERT INTO history_machine_days
      SELECT machine, hour / 24, COUNT(DISTINCT key), COUNT(*), SUM(busy_cpu_ms), SUM(idle_cpu_ms), SUM(busy_mj),
        SUM(idle_mj), SUM(busy_ng), SUM(idle_ng)
      FROM history_hour_rows WHERE key IN (SELECT id FROM history_keys WHERE level = ${LEVEL_IDS.host})
      GROUP BY machine, hour / 24;
    DROP TABLE history_usage;
  `);
}
