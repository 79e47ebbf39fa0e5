import fs from 'node:fs';
import Database from 'better-sqlite3';
import { LibraryError } from './errors';
import { LATEST_SCHEMA_VERSION, migrations } from './migrations';

export type Db = Database.Database;

/**
 * Opens (or creates) the library database: WAL, foreign keys, an integrity check, then the missing
 * migrations. A database that fails the check is never written to.
 */
export function openDatabase(path: string, nativeBinding?: string): Db {
  let db: Db;
  try {
    db = new Database(path, nativeBinding ? { nativeBinding } : {});
  } catch (error) {
    throw new LibraryError(`Cannot open the library database ${path}: ${(error as Error).message}`, 'io');
  }
  try {
    db.pragma('busy_timeout = 10000');
    checkIntegrity(db, path);
    // Embeddings are 5 kB rows: larger pages read them with less overhead. Only a new, empty file can
    // take it (before WAL); existing libraries keep the size they were made with.
    if (schemaVersion(db) === 0 && path !== ':memory:') db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function checkIntegrity(db: Db, path: string): void {
  let problems: string[];
  try {
    const rows = db.pragma('quick_check') as Array<Record<string, unknown>>;
    problems = rows.map((row) => String(Object.values(row)[0]));
  } catch (error) {
    throw new LibraryError(
      `The library database ${path} is damaged or not a library (${(error as Error).message}). ` +
        'Nothing was changed; restore it from a backup.',
      'corrupt',
    );
  }
  if (problems.length !== 1 || problems[0] !== 'ok') {
    throw new LibraryError(
      `The library database ${path} failed its integrity check: ${problems.slice(0, 5).join('; ')}. ` +
        'Nothing was changed; restore it from a backup.',
      'corrupt',
    );
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Runs the migrations after the database's version up to `target`, keeping a copy of the file first. */
export function migrate(db: Db, path: string, target = LATEST_SCHEMA_VERSION): void {
  const current = schemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new LibraryError(
      `The library ${path} has schema version ${current}, newer than this program knows (${LATEST_SCHEMA_VERSION}). ` +
        'Update Melanoma Triage to open it.',
      'too-new',
    );
  }
  const pending = migrations.filter((m) => m.version > current && m.version <= target);
  if (pending.length === 0) return;
  if (current > 0 && path !== ':memory:') backUp(db, path, current);
  db.transaction(() => {
    for (const migration of pending) {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  })();
}

function backUp(db: Db, path: string, version: number): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const copy = `${path}.v${version}.bak`;
  if (!fs.existsSync(copy)) fs.copyFileSync(path, copy);
}
