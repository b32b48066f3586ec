import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';
import { bulkUpsert } from './bulk.js';

/**
 * A chunk that fails to commit rejects all of its rows and leaves none of them, nor their list
 * memberships, behind; the chunks before and after it are written. The failure is real: a
 * trigger refuses one number, past the application.
 */
describe.each(testBackends())('bulk upsert: a chunk that fails to commit on %s', (backend) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    const db = t.db.kysely;
    await db
      .insertInto('tenants')
      .values({ id: 'ten_bulk', name: 'Bulk', email: null, rate_limits: '{}', settings: '{}' })
      .execute();
    await db
      .insertInto('contact_lists')
      .values({ id: 'lst_bulk', tenant_id: 'ten_bulk', name: 'L', description: null })
      .execute();
    await sql`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.phone = '+12025551500' THEN RAISE EXCEPTION 'poison row'; END IF;
        RETURN NEW;
      END $$`.execute(db);
    await sql`CREATE TRIGGER refuse_poison BEFORE INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION refuse_poison()`.execute(
      db,
    );
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('rejects the failing chunk whole and writes the others with their memberships', async () => {
    // 2,500 rows: chunks [0, 1000), [1000, 2000), [2000, 2500); the poison number is row 1500.
    const rows = Array.from({ length: 2_500 }, (_, i) => ({ phone: `+1202555${String(i).padStart(4, '0')}` }));
    const errors: unknown[] = [];
    const result = await bulkUpsert(t.db.kysely, {
      tenantId: 'ten_bulk',
      region: 'US',
      rows,
      listIds: ['lst_bulk'],
      onChunkError: (err) => errors.push(err),
    });
    expect(errors).toHaveLength(1);
    expect(result).toMatchObject({ created: 1_500, updated: 0, rejected: 1_000 });
    expect(result.results.slice(1_000, 2_000).every((r) => r.status === 'rejected' && !r.id)).toBe(true);
    expect(result.results[999]?.status).toBe('created');
    expect(result.results[2_000]?.status).toBe('created');

    const db = t.db.kysely;
    const stored = await db.selectFrom('contacts').select('phone').execute();
    expect(stored).toHaveLength(1_500);
    expect(stored.some((r) => r.phone === '+12025551000' || r.phone === '+12025551999')).toBe(false);
    const members = await db
      .selectFrom('contact_list_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(members.n)).toBe(1_500);
  });
});
