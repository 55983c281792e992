import Database from 'better-sqlite3';
import { StoreCorruptError, StoreTooNewError } from '../errors.js';
import { migrations } from './migrations.js';

/** A better-sqlite3 connection. */
export type StoreDatabase = Database.Database;

/**
 * Opens (creating if needed) the store's SQLite database: WAL journal, so
 * readers never block the writer and a crash never leaves a half transaction;
 * a busy timeout, so two processes writing at once wait for each other instead
 * of failing; foreign keys on; and pending migrations applied in one
 * transaction each.
 */
export function openDatabase(path: string): StoreDatabase {
  let db: StoreDatabase | undefined;
  try {
    db = new Database(path);
    db.pragma('busy_timeout = 10000');
    enableWal(db);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db, path);
    return db;
  } catch (error) {
    db?.close();
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
      throw new StoreCorruptError(path, { cause: error });
    throw error;
  }
}

/**
 * Switches the file to WAL (a setting the file keeps). Changing the journal
 * mode needs a moment of exclusive access, and SQLite answers SQLITE_BUSY
 * without waiting when another process is opening the same new store, so
 * retry for a while.
 */
function enableWal(db: StoreDatabase): void {
  const deadline = Date.now() + 10_000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
}

function migrate(db: StoreDatabase, path: string): void {
  // BEGIN IMMEDIATE takes the write lock first, so two processes opening a
  // new store at once do not both try to run the same migration.
  const step = db.transaction(() => {
    const applied = db.pragma('user_version', { simple: true }) as number;
    if (applied > migrations.length) {
      throw new StoreTooNewError(path, applied, migrations.length);
    }
    for (let version = applied; version < migrations.length; version += 1) {
      db.exec(migrations[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    }
  });
  step.immediate();
}
