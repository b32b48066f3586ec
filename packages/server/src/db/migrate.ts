import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import type { Database } from './connection.js';
import type { DB } from './schema.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
/** pg_advisory_lock key for everything done once per database at start (migrations, bootstrap). */
export const STARTUP_LOCK_KEY = 7_462_010_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** `000001_foundation.sql` → version 1. Numbered, forward-only, the same SQL on both engines. */
export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{6}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 6)),
      name: file.slice(7, -4),
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
}

/**
 * Runs `work` while holding the start-up advisory lock on one connection, so that several
 * processes starting at once take turns: the first migrates, the others find nothing to do.
 */
export async function withStartupLock<T>(db: Database, work: (conn: Kysely<DB>) => Promise<T>): Promise<T> {
  // Everything inside runs on the lock's own connection: PGlite has only one, and on PostgreSQL
  // the lock belongs to the session that took it.
  return db.kysely.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${STARTUP_LOCK_KEY})`.execute(conn);
    try {
      return await work(conn);
    } finally {
      await sql`SELECT pg_advisory_unlock(${STARTUP_LOCK_KEY})`.execute(conn);
    }
  });
}

/** Applies pending migrations, each in its own transaction. Returns the versions applied. */
export async function migrate(db: Kysely<DB>, migrations = listMigrations()): Promise<number[]> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  const done = new Set((await db.selectFrom('schema_migrations').select('version').execute()).map((r) => r.version));
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    await db.transaction().execute(async (trx) => {
      await sql.raw(m.sql).execute(trx);
      await trx.insertInto('schema_migrations').values({ version: m.version, name: m.name }).execute();
    });
    applied.push(m.version);
  }
  return applied;
}
