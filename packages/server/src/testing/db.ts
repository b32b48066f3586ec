import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../db/connection.js';
import { migrate, withStartupLock } from '../db/migrate.js';

/**
 * Test databases on both engines. PGlite always; PostgreSQL when TEST_DATABASE_URL is set (the
 * full test command starts one). With TEST_REQUIRE_SERVICES=1 a missing PostgreSQL is an error,
 * so CI can never pass by quietly testing one engine.
 */
export type Backend = 'pglite' | 'postgres';

export function testBackends(): Backend[] {
  const url = process.env.TEST_DATABASE_URL;
  if (!url && process.env.TEST_REQUIRE_SERVICES === '1') {
    throw new Error('TEST_REQUIRE_SERVICES=1 but TEST_DATABASE_URL is not set: the PostgreSQL suite cannot run.');
  }
  return url ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase {
  db: Database;
  /** The connection URL of the fresh PostgreSQL database (undefined on PGlite). */
  url: string | undefined;
  /** Closes the connection and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, empty database of the given engine; `migrated` (default true) applies the migrations. */
export async function createTestDatabase(
  backend: Backend,
  options: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  if (backend === 'pglite') {
    const db = await openDatabase({});
    if (migrated) await withStartupLock(db, (conn) => migrate(conn));
    return { db, url: undefined, drop: () => db.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `cs_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), poolSize: 10 });
  if (migrated) await withStartupLock(db, (conn) => migrate(conn));
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Runs one statement on its own connection (CREATE/DROP DATABASE cannot run in a pool's transaction). */
export async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
