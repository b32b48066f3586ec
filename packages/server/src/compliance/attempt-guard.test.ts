import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDncEntry } from '../contacts/dnc.js';
import type { Tenant } from '../db/schema.js';
import { createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';
import { gate, seedTenant } from './test-fixtures.js';

/**
 * The database refuses a dial attempt whose compliance check is not a fresh `allow` made for it
 * (compliance_guard_attempt(), migration 000008). `call_attempts` belongs to the calls subsystem;
 * a scratch table with the columns the guard reads stands in for it, and every insert here is
 * plain SQL, past the application.
 */

const NY = '+12125550100';

describe.each(testBackends())('the attempt guard refusing direct SQL inserts on %s', (backend) => {
  let t: TestDatabase;
  let tenant: Tenant;
  let other: Tenant;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    tenant = await seedTenant(t.db.kysely);
    other = await seedTenant(t.db.kysely, 'Other Co');
    await sql
      .raw(`
        CREATE TABLE scratch_attempts (
          id text PRIMARY KEY,
          tenant_id text NOT NULL,
          call_id text NOT NULL,
          compliance_check_id text
        );
        CREATE TRIGGER scratch_attempts_compliance BEFORE INSERT OR UPDATE OF compliance_check_id
          ON scratch_attempts FOR EACH ROW EXECUTE FUNCTION compliance_guard_attempt();
      `)
      .execute(t.db.kysely);
  });
  afterAll(async () => {
    await t?.drop();
  });
  const db = () => t.db.kysely;

  /** Inserts an attempt with plain SQL; answers its id. */
  const insertAttempt = async (row: { tenantId: string; callId: string; checkId: string | null }) => {
    const id = `att_${++seq}`;
    await sql
      .raw(
        `INSERT INTO scratch_attempts (id, tenant_id, call_id, compliance_check_id) VALUES ('${id}', '${row.tenantId}', '${row.callId}', ${row.checkId === null ? 'NULL' : `'${row.checkId}'`})`,
      )
      .execute(db());
    return id;
  };
  const refusal = (pattern: RegExp) =>
    expect.objectContaining({ code: '23514', message: expect.stringMatching(pattern) });

  it('accepts a fresh allow check made for the call, and marks it used', async () => {
    const check = await gate(db(), { tenant, to: NY, callId: 'call_ok' });
    expect(check.decision).toBe('allow');
    await insertAttempt({ tenantId: tenant.id, callId: 'call_ok', checkId: check.id });
    const row = await db()
      .selectFrom('compliance_checks')
      .select('used_at')
      .where('id', '=', check.id)
      .executeTakeFirstOrThrow();
    expect(row.used_at).not.toBeNull();
  });

  it('refuses a deny check', async () => {
    await addDncEntry(db(), tenant.id, { phone: '+12125550111', source: 'api', reason: null });
    const check = await gate(db(), { tenant, to: '+12125550111', callId: 'call_deny' });
    expect(check.decision).toBe('deny');
    await expect(insertAttempt({ tenantId: tenant.id, callId: 'call_deny', checkId: check.id })).rejects.toThrow(
      refusal(/decided deny/),
    );
  });

  it('refuses a defer check', async () => {
    const night = Date.parse('2026-06-10T07:00:00Z');
    const check = await gate(db(), { tenant, to: NY, callId: 'call_defer' }, { now: night });
    expect(check.decision).toBe('defer');
    await expect(insertAttempt({ tenantId: tenant.id, callId: 'call_defer', checkId: check.id })).rejects.toThrow(
      refusal(/decided defer/),
    );
  });

  it('refuses another tenant’s check and a check made for another call', async () => {
    const theirs = await gate(db(), { tenant: other, to: NY, callId: 'call_x' });
    await expect(insertAttempt({ tenantId: tenant.id, callId: 'call_x', checkId: theirs.id })).rejects.toThrow(
      refusal(/belongs to another tenant/),
    );
    const mine = await gate(db(), { tenant, to: NY, callId: 'call_a' });
    await expect(insertAttempt({ tenantId: tenant.id, callId: 'call_b', checkId: mine.id })).rejects.toThrow(
      refusal(/made for another call/),
    );
  });

  it('refuses a check older than 5 minutes', async () => {
    const check = await gate(db(), { tenant, to: NY, callId: 'call_old' });
    await sql`UPDATE compliance_checks SET created_at = now() - interval '5 minutes 1 second' WHERE id = ${check.id}`.execute(
      db(),
    );
    await expect(insertAttempt({ tenantId: tenant.id, callId: 'call_old', checkId: check.id })).rejects.toThrow(
      refusal(/older than 5 minutes/),
    );
  });

  it('refuses a preview, a missing or unknown check, and a check used twice', async () => {
    const preview = await gate(db(), { tenant, to: NY, callId: 'call_p', kind: 'preview' });
    await expect(insertAttempt({ tenantId: tenant.id, callId: 'call_p', checkId: preview.id })).rejects.toThrow(
      refusal(/is a preview/),
    );
    await expect(insertAttempt({ tenantId: tenant.id, callId: 'call_p', checkId: null })).rejects.toThrow(
      refusal(/references no compliance check/),
    );
    await expect(insertAttempt({ tenantId: tenant.id, callId: 'call_p', checkId: 'chk_nope' })).rejects.toThrow(
      refusal(/does not exist/),
    );
    const once = await gate(db(), { tenant, to: NY, callId: 'call_twice' });
    await insertAttempt({ tenantId: tenant.id, callId: 'call_twice', checkId: once.id });
    await expect(insertAttempt({ tenantId: tenant.id, callId: 'call_twice', checkId: once.id })).rejects.toThrow(
      refusal(/already used/),
    );
  });

  it('guards an UPDATE that swaps the check reference, and leaves other updates alone', async () => {
    const good = await gate(db(), { tenant, to: NY, callId: 'call_u' });
    const id = await insertAttempt({ tenantId: tenant.id, callId: 'call_u', checkId: good.id });
    const denied = await gate(db(), { tenant, to: NY, callId: 'call_u', agentId: 'agt_missing' });
    expect(denied.decision).toBe('deny');
    await expect(
      sql.raw(`UPDATE scratch_attempts SET compliance_check_id = '${denied.id}' WHERE id = '${id}'`).execute(db()),
    ).rejects.toThrow(refusal(/decided deny/));
    await sql.raw(`UPDATE scratch_attempts SET call_id = call_id WHERE id = '${id}'`).execute(db());
    const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM scratch_attempts`.execute(db());
    expect(count.rows[0]?.n).toBe(3);
  });
});
