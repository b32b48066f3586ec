import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';

describe.runIf(testBackends().includes('postgres'))('prepared statements on postgres', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await t.drop();
  });

  /** Runs `work` and then reads the session's prepared statements, all on one connection. */
  const onOneConnection = (work: (db: typeof t.db.kysely) => Promise<unknown>) =>
    t.db.kysely.connection().execute(async (db) => {
      await work(db);
      const rows = await sql<{
        name: string;
        statement: string;
      }>`SELECT name, statement FROM pg_prepared_statements`.execute(db);
      return rows.rows;
    });

  it('prepares a parameterised query once per connection and reuses it', async () => {
    const prepared = await onOneConnection(async (db) => {
      for (let i = 0; i < 3; i++) await db.selectFrom('tenants').select('id').where('name', '=', `n${i}`).execute();
    });
    const tenantQueries = prepared.filter((p) => p.statement.includes('from "tenants"'));
    expect(tenantQueries).toHaveLength(1);
    expect(tenantQueries[0]?.name).toMatch(/^ks\d+$/);
  });

  it('leaves statements without parameters unnamed (migrations hold several statements)', async () => {
    const prepared = await onOneConnection(async (db) => {
      await sql`SELECT 1 AS a; SELECT 2 AS b`.execute(db);
    });
    expect(prepared.filter((p) => p.statement.includes('SELECT 2'))).toEqual([]);
  });

  it('answers correctly after a table changes under a cached plan, and prepares the new shape once', async () => {
    await sql`CREATE TABLE plan_probe (id int)`.execute(t.db.kysely);
    const { rows, prepared } = await t.db.kysely.connection().execute(async (db) => {
      const read = () => sql<Record<string, unknown>>`SELECT * FROM plan_probe WHERE id = ${1}`.execute(db);
      await sql`INSERT INTO plan_probe VALUES (1)`.execute(db);
      await read();
      await sql`ALTER TABLE plan_probe ADD COLUMN note text DEFAULT 'x'`.execute(db);
      const after = await read();
      await read();
      const statements = await sql<{ name: string }>`
        SELECT name FROM pg_prepared_statements WHERE statement LIKE '%FROM plan_probe%'`.execute(db);
      return { rows: after.rows, prepared: statements.rows };
    });
    expect(rows).toEqual([{ id: 1, note: 'x' }]);
    // Beside the stale statement, the new shape is prepared under a fresh name, so later calls
    // take one round trip instead of failing over to an unnamed query every time.
    expect(new Set(prepared.map((p) => p.name)).size).toBe(2);
  });
});
