/** @module Opens the dashboard's SQLite database file, migrating and seeding it on first use. */
import Database from 'better-sqlite3';
import { nowIso } from '../ids.ts';
import { MIGRATIONS } from './migrations.ts';
import { seed } from './seed.ts';

/**
 * Opens (creating if needed) the database at `path`, applies pending migrations and, when the file
 * is new, seeds the demo account. The caller owns the handle and closes it.
 *
 * @example const db = openDashboardDb('/tmp/dashboard.db');
 */
export function openDashboardDb(path: string): Database.Database {
  const db = new Database(path);
  // WAL lets the day-in-the-life script's reads run while a write commits; NORMAL is durable enough
  // for a demo and keeps each request to one fsync at checkpoint time.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const applied = db.pragma('user_version', { simple: true }) as number;
  const migrate = db.transaction(() => {
    for (let n = applied; n < MIGRATIONS.length; n++) db.exec(MIGRATIONS[n]!);
    if (applied === 0) seed(db, nowIso());
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  });
  migrate();
  return db;
}
