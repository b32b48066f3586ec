import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * The tenant's do-not-call list as the compliance gate reads it (compliance.md, rule `dnc`). Both
 * lookups are primary-key seeks on dnc_entries (tenant_id, phone): one index probe per number,
 * whatever the list's size. Numbers are compared as stored, E.164: normalise first
 * (contacts/phone.ts). DNC entries are configuration, shared by test and live mode.
 */

/** True when `e164` is on the tenant's do-not-call list. */
export async function isOnDnc(db: Kysely<DB>, tenantId: string, e164: string): Promise<boolean> {
  const row = await db
    .selectFrom('dnc_entries')
    .select('phone')
    .where('tenant_id', '=', tenantId)
    .where('phone', '=', e164)
    .executeTakeFirst();
  return row !== undefined;
}

/** Which of `numbers` (E.164) are on the tenant's do-not-call list; for a campaign's batch of dials. */
export async function dncNumbersAmong(
  db: Kysely<DB>,
  tenantId: string,
  numbers: readonly string[],
): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  const rows = await db
    .selectFrom('dnc_entries')
    .select('phone')
    .where('tenant_id', '=', tenantId)
    .where('phone', 'in', [...new Set(numbers)])
    .execute();
  return new Set(rows.map((r) => r.phone));
}

/**
 * The gate's one-statement lookup: whether `e164` is listed, and when the newest national registry
 * extract row arrived (null without one), so the `dnc` rule costs one round trip, not two.
 */
export async function dncStatus(
  db: Kysely<DB>,
  tenantId: string,
  e164: string,
): Promise<{ listed: boolean; registryImportedAt: Date | null }> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .exists(
          eb.selectFrom('dnc_entries').select('phone').where('tenant_id', '=', tenantId).where('phone', '=', e164),
        )
        .as('listed'),
      eb
        .selectFrom('dnc_entries')
        .select('created_at')
        .where('tenant_id', '=', tenantId)
        .where('source', '=', 'registry')
        .orderBy('created_at', 'desc')
        .limit(1)
        .as('registry_at'),
    ])
    .executeTakeFirstOrThrow();
  return {
    listed: Boolean(row.listed),
    registryImportedAt: row.registry_at ? new Date(row.registry_at as Date | string) : null,
  };
}
