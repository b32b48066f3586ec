import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Backend, createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';
import { openDatabase } from './connection.js';
import { listMigrations, migrate, withStartupLock } from './migrate.js';

describe.each(testBackends())('migrations on %s', (backend: Backend) => {
  const opened: TestDatabase[] = [];
  afterEach(async () => {
    for (const t of opened.splice(0)) await t.drop();
  });

  it('applies every numbered migration once, in order, and records it', async () => {
    const t = await createTestDatabase(backend, { migrated: false });
    opened.push(t);
    const all = listMigrations();
    expect(all.map((m) => m.version)).toEqual([...all.map((m) => m.version)].sort((a, b) => a - b));
    expect(await withStartupLock(t.db, (conn) => migrate(conn))).toEqual(all.map((m) => m.version));
    expect(await withStartupLock(t.db, (conn) => migrate(conn))).toEqual([]);
    const rows = await t.db.kysely
      .selectFrom('schema_migrations')
      .select(['version', 'name'])
      .orderBy('version')
      .execute();
    expect(rows.map((r) => r.version)).toEqual(all.map((m) => m.version));
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`.execute(t.db.kysely);
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['tenants', 'api_keys', 'idempotency_keys', 'agents', 'platform_settings']),
    );
  });

  it('rolls a failing migration back whole and applies nothing after it', async () => {
    const t = await createTestDatabase(backend, { migrated: false });
    opened.push(t);
    const bad = [
      { version: 1, name: 'ok', sql: 'CREATE TABLE a (id int);' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE b (id int); SELECT no_such_function();' },
      { version: 3, name: 'later', sql: 'CREATE TABLE c (id int);' },
    ];
    await expect(withStartupLock(t.db, (conn) => migrate(conn, bad))).rejects.toThrow(/no_such_function/);
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('a','b','c')`.execute(
      t.db.kysely,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['a']);
    const versions = await t.db.kysely.selectFrom('schema_migrations').select('version').execute();
    expect(versions.map((v) => v.version)).toEqual([1]);
  });
});

describe.runIf(testBackends().includes('postgres'))('concurrent start on postgres', () => {
  it('several processes starting at once apply the migrations exactly once', async () => {
    const t = await createTestDatabase('postgres', { migrated: false });
    const others = await Promise.all([1, 2, 3].map(() => openDatabase({ url: t.url, poolSize: 2 })));
    try {
      const results = await Promise.all([t.db, ...others].map((db) => withStartupLock(db, (conn) => migrate(conn))));
      const applied = results.flat();
      expect(applied.sort()).toEqual(listMigrations().map((m) => m.version));
      expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    } finally {
      for (const db of others) await db.close();
      await t.drop();
    }
  });
});
