/**
 * @module The SQLite migration runner. Migrations are numbered SQL files in ./migrations
 * (`001_init.sql`, `002_….sql`), applied in order, each in its own transaction, and recorded in
 * `schema_migrations` so running migrate() again (or from a second process) applies nothing twice.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MigrationStep } from '../types.ts';
import type { SqliteDatabase } from './database.ts';

/** One numbered migration. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE_PATTERN = /^(\d+)_([a-z0-9_]+)\.sql$/;

/** The migrations shipped with the code, in version order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .map((file) => ({ file, match: FILE_PATTERN.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({
      version: Number(match[1]),
      name: match[2]!,
      sql: readFileSync(`${dir}/${file}`, 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.version}_${m.name}: expected version ${i + 1}`);
  });
  return migrations;
}

/**
 * Applies the migrations not yet recorded, in order. Each runs in an IMMEDIATE transaction that
 * re-checks the record first, so two processes migrating at once cannot both apply one.
 * Returns the versions it applied; `onStep` hears of each one just before it runs.
 */
export function migrate(
  db: SqliteDatabase,
  migrations: Migration[] = loadMigrations(),
  onStep: (step: MigrationStep) => void = () => undefined,
): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      if (isApplied.get(migration.version)) return;
      onStep({ version: migration.version, name: migration.name });
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
      applied.push(migration.version);
    });
    apply.immediate();
  }
  return applied;
}
