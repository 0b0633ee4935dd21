/** A store file that is not a SQLite database fails to open with an error naming the file. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqlite, SqliteWorkspaceStore, StoreOpenError } from '../../src/store/sqlite';
import { SqliteUsageStore } from '../../src/store/usage/sqlite';
import { tempDir } from '../support/app';

const garbage: Array<[string, Buffer | string]> = [
  ['random bytes', crypto.randomBytes(8192)],
  ['a text file', 'prometheus:\n  url: http://p:9090\n'.repeat(200)],
];

describe('opening a corrupt SQLite store', () => {
  it.each(garbage)('%s: the error names the file', (_name, content) => {
    const file = path.join(tempDir(), 'store.sqlite');
    fs.writeFileSync(file, content);
    for (const open of [
      () => openSqlite(file),
      () => SqliteWorkspaceStore.open(file),
      () => SqliteUsageStore.open(file),
    ]) {
      let error: unknown;
      try {
        open();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(StoreOpenError);
      expect((error as Error).message).toBe(
        `cannot open the SQLite store ${file} (store.sqlite.path): file is not a database`
      );
    }
    // the garbage is left as it was, for the operator to look at
    expect(fs.readFileSync(file)).toEqual(Buffer.from(content));
  });

  it('a usage store handed a corrupt database names its file too', () => {
    const file = path.join(tempDir(), 'usage.sqlite');
    fs.writeFileSync(file, crypto.randomBytes(4096));
    const db = new Database(file);
    expect(() => new SqliteUsageStore(db)).toThrow(
      `cannot open the SQLite store ${file} (store.sqlite.path): file is not a database`
    );
    db.close();
  });

  it('an empty file or a new path is a fresh store', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'empty.sqlite'), '');
    for (const file of [path.join(dir, 'empty.sqlite'), path.join(dir, 'sub', 'new.sqlite')]) {
      const store = SqliteWorkspaceStore.open(file);
      expect(await store.listWorkspaces()).toEqual([]);
      await store.close();
    }
  });
});
