import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDncEntries } from '../contacts/dnc.js';
import { createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';
import { dncNumbersAmong, isOnDnc } from './dnc-list.js';

describe.each(testBackends())('DNC lookups for the compliance gate on %s', (backend) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    const db = t.db.kysely;
    for (const id of ['ten_a', 'ten_b']) {
      await db.insertInto('tenants').values({ id, name: id, email: null, rate_limits: '{}', settings: '{}' }).execute();
    }
    await addDncEntries(db, 'ten_a', ['+14155550100', '+14155550101'], 'call');
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("finds a number on the tenant's own list only", async () => {
    const db = t.db.kysely;
    expect(await isOnDnc(db, 'ten_a', '+14155550100')).toBe(true);
    expect(await isOnDnc(db, 'ten_a', '+14155550199')).toBe(false);
    expect(await isOnDnc(db, 'ten_b', '+14155550100')).toBe(false);
  });

  it('answers which numbers of a batch are listed, with repeats and an empty batch', async () => {
    const db = t.db.kysely;
    const found = await dncNumbersAmong(db, 'ten_a', ['+14155550101', '+14155550102', '+14155550101']);
    expect([...found]).toEqual(['+14155550101']);
    expect((await dncNumbersAmong(db, 'ten_a', [])).size).toBe(0);
    expect((await dncNumbersAmong(db, 'ten_b', ['+14155550100'])).size).toBe(0);
  });

  it('looks a number up by primary key, whatever the size of the list', async () => {
    const db = t.db.kysely;
    // EXPLAIN names the index the lookup uses: one probe, not a scan of the list.
    const plan = await db
      .selectFrom('dnc_entries')
      .select('phone')
      .where('tenant_id', '=', 'ten_a')
      .where('phone', '=', '+14155550100')
      .explain();
    expect(JSON.stringify(plan)).toMatch(/Index (Only )?Scan using dnc_entries_pkey/);
  });
});
