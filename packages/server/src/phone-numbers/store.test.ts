import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantWithKeys } from '../accounts/tenants.js';
import { isSandboxRangeNumber, SandboxNumberCarrier } from '../carriers/sandbox/numbers.js';
import { listMigrations, migrate } from '../db/migrate.js';
import { isId, newId } from '../ids.js';
import { createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';
import { defaultNumber, provisionPhoneNumber } from './store.js';

describe.each(testBackends())('phone number store on %s', (backend) => {
  let testDb: TestDatabase;
  const kysely = () => testDb.db.kysely;

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  const numbersOf = (tenantId: string) =>
    kysely().selectFrom('phone_numbers').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();

  it('createTenantWithKeys gives the tenant one verified sandbox number in test mode, in the same transaction', async () => {
    const { tenant } = await createTenantWithKeys(kysely(), { name: 'Fresh' });
    const rows = await numbersOf(tenant.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      livemode: false,
      carrier: 'sandbox',
      source: 'provisioned',
      verified: true,
      attestation: 'A',
      is_default: false,
    });
    expect(isSandboxRangeNumber(rows[0]!.phone_number)).toBe(true);
    expect((await defaultNumber(kysely(), tenant.id, false))?.id).toBe(rows[0]!.id);
    expect(await defaultNumber(kysely(), tenant.id, true)).toBeUndefined();
  });

  it('defaultNumber: the one marked is_default, else the first verified; never an unverified or deleted one', async () => {
    const { tenant } = await createTenantWithKeys(kysely(), { name: 'Defaults' });
    const [starter] = await numbersOf(tenant.id);
    // An unverified number created earlier than any verified one does not count.
    await kysely()
      .insertInto('phone_numbers')
      .values({
        id: newId('num'),
        tenant_id: tenant.id,
        livemode: false,
        phone_number: '+14155550199',
        country: 'US',
        carrier: 'sandbox',
        source: 'verified',
        capabilities: '{"voice":true,"sms":false}',
        verified: false,
        verification_status: 'pending',
      })
      .execute();
    const second = await provisionPhoneNumber(kysely(), {
      tenantId: tenant.id,
      carrier: new SandboxNumberCarrier(),
      country: 'US',
    });
    expect((await defaultNumber(kysely(), tenant.id, false))?.id).toBe(starter!.id);
    await kysely().updateTable('phone_numbers').set({ is_default: true }).where('id', '=', second.id).execute();
    expect((await defaultNumber(kysely(), tenant.id, false))?.id).toBe(second.id);
    await kysely()
      .updateTable('phone_numbers')
      .set({ deleted_at: new Date(), is_default: false })
      .where('id', '=', second.id)
      .execute();
    expect((await defaultNumber(kysely(), tenant.id, false))?.id).toBe(starter!.id);
  });

  it('the database refuses two defaults in one tenant and mode, and a default that is not verified', async () => {
    const { tenant } = await createTenantWithKeys(kysely(), { name: 'Constraints' });
    const [starter] = await numbersOf(tenant.id);
    const second = await provisionPhoneNumber(kysely(), {
      tenantId: tenant.id,
      carrier: new SandboxNumberCarrier(),
      country: 'US',
    });
    await kysely().updateTable('phone_numbers').set({ is_default: true }).where('id', '=', starter!.id).execute();
    await expect(
      kysely().updateTable('phone_numbers').set({ is_default: true }).where('id', '=', second.id).execute(),
    ).rejects.toThrow();
    await expect(
      kysely()
        .updateTable('phone_numbers')
        .set({ is_default: false, verified: false })
        .where('id', '=', starter!.id)
        .execute()
        .then(() =>
          kysely().updateTable('phone_numbers').set({ is_default: true }).where('id', '=', starter!.id).execute(),
        ),
    ).rejects.toThrow();
  });

  it('provisioning draws again when the carrier offers a number the tenant already holds', async () => {
    const { tenant } = await createTenantWithKeys(kysely(), { name: 'Collisions' });
    const [starter] = await numbersOf(tenant.id);
    const held = Number(starter!.phone_number.slice(-4)) - 1000;
    const index = held > 212 ? held - 1 : held;
    const draws = [index, index, index + 1 === 8999 ? 0 : index + 1];
    const carrier = new SandboxNumberCarrier({ randomLine: () => draws.shift() ?? 0 });
    const row = await provisionPhoneNumber(kysely(), { tenantId: tenant.id, carrier, country: 'US' });
    expect(row.phone_number).not.toBe(starter!.phone_number);
    expect(draws).toEqual([]);
    // Another tenant may hold the same sandbox number: each tenant's simulated network is its own.
    const other = await createTenantWithKeys(kysely(), { name: 'Same number' });
    const same = await provisionPhoneNumber(kysely(), {
      tenantId: other.tenant.id,
      carrier: new SandboxNumberCarrier({ randomLine: () => index }),
      country: 'US',
    });
    expect(same.phone_number).toBe(starter!.phone_number);
  });
});

describe.each(testBackends())('migration 000004 on %s', (backend) => {
  it('backfills one sandbox number for every tenant that existed before it, with a well-formed id', async () => {
    const testDb = await createTestDatabase(backend, { migrated: false });
    try {
      const db = testDb.db.kysely;
      await migrate(
        db,
        listMigrations().filter((m) => m.version < 4),
      );
      const ids = [newId('ten'), newId('ten'), newId('ten')];
      for (const id of ids) {
        await db.insertInto('tenants').values({ id, name: id, rate_limits: '{}', settings: '{}' }).execute();
      }
      const before = newId('num').slice(4, 14);
      expect(await migrate(db)).toContain(4);
      const after = newId('num').slice(4, 14);
      const rows = await db.selectFrom('phone_numbers').selectAll().orderBy('tenant_id').execute();
      expect(rows.map((r) => r.tenant_id)).toEqual([...ids].sort());
      for (const row of rows) {
        expect(isId('num', row.id), row.id).toBe(true);
        expect(isSandboxRangeNumber(row.phone_number), row.phone_number).toBe(true);
        expect(row).toMatchObject({
          livemode: false,
          carrier: 'sandbox',
          verified: true,
          attestation: 'A',
          name: 'Sandbox number',
        });
        // The id's time part is the migration's millisecond, so it sorts with ids the application makes.
        expect(row.id.slice(4, 14) >= before && row.id.slice(4, 14) <= after, `${before} ≤ ${row.id} ≤ ${after}`).toBe(
          true,
        );
      }
      expect(new Set(rows.map((r) => r.id)).size).toBe(3);
    } finally {
      await testDb.drop();
    }
  });
});
