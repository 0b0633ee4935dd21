// Schema versions of a SQLite file: PRAGMA user_version counts the migrations applied, oldest first.
import type Database from 'better-sqlite3';

/** Takes the file from version i to i + 1, where i is its index in the list. */
export type Migration = (db: Database.Database) => void;

/**
 * Applies the migrations the file has not had yet, in order, in one IMMEDIATE transaction, so a second process opening
 * the same file waits and then finds nothing to do. A file newer than the list is refused rather than guessed at.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  if (version() === migrations.length) return; // up to date: no write lock
  db.transaction(() => {
    const from = version();
    if (from > migrations.length) {
      throw new Error(
        `schema version ${from} is newer than this ada-carbon knows (${migrations.length}): upgrade ada-carbon`
      );
    }
    for (let v = from; v < migrations.length; v++) {
      migrations[v]!(db);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}
