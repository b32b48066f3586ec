import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { decodeCursor } from '../api/pagination.js';
import { isoText, toIso } from '../db/iso-time.js';
import type { DB, DncEntriesTable } from '../db/schema.js';
import { HttpError } from '../errors.js';

/**
 * The do-not-call list as the API manages it. An entry's key is its number: `id` is the E.164
 * number itself, so `GET|DELETE /v1/dnc/{phone}` and the entry agree. The list is ordered by an
 * identity column (`seq`), newest first, through the shared keyset pagination.
 */

export type DncSource = DncEntriesTable['source'];
export const DNC_SOURCES = ['api', 'import', 'call', 'registry'] as const satisfies readonly DncSource[];

export const dncEntryObject = z
  .object({
    id: z.string().describe('The number, E.164'),
    object: z.literal('dnc_entry'),
    phone: z.string(),
    source: z.enum(DNC_SOURCES),
    reason: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'DncEntry' });
export type DncEntry = z.output<typeof dncEntryObject>;

interface DncView {
  id: string;
  phone: string;
  source: DncSource;
  reason: string | null;
  created_at: Date | string;
}

export function renderDncEntry(row: DncView): DncEntry {
  return {
    id: row.phone,
    object: 'dnc_entry',
    phone: row.phone,
    source: row.source,
    reason: row.reason,
    created_at: toIso(row.created_at),
  };
}

/** The tenant's entries as a query for `paginate(…, 'dnc_entries.seq')`; `id` is the seq as text. */
export function dncEntriesQuery(db: Kysely<DB>, tenantId: string, filter: { source?: DncSource | undefined } = {}) {
  let q = db
    .selectFrom('dnc_entries')
    .select([
      sql<string>`dnc_entries.seq::text`.as('id'),
      'dnc_entries.phone',
      'dnc_entries.source',
      'dnc_entries.reason',
      isoText('dnc_entries.created_at').as('created_at'),
    ])
    .where('dnc_entries.tenant_id', '=', tenantId);
  if (filter.source) q = q.where('dnc_entries.source', '=', filter.source);
  return q;
}

/**
 * The shared cursor is the last row's id; here that is a number. Anything else did not come
 * from this list, and must be a 400 before PostgreSQL is asked to compare it with a bigint.
 */
export function checkDncCursor(cursor: string | undefined): void {
  if (cursor === undefined) return;
  if (!/^\d{1,18}$/.test(decodeCursor(cursor))) {
    throw new HttpError(400, 'invalid_cursor', 'The cursor is not one this API returned; start again without it.', {
      errors: [{ path: 'cursor', message: 'not a cursor from this list' }],
    });
  }
}

export async function findDncEntry(db: Kysely<DB>, tenantId: string, phone: string): Promise<DncView | undefined> {
  return dncEntriesQuery(db, tenantId).where('dnc_entries.phone', '=', phone).executeTakeFirst();
}

/** Adds the number; false when it was already on the list (the stored entry is kept as it was). */
export async function addDncEntry(
  db: Kysely<DB>,
  tenantId: string,
  entry: { phone: string; source: DncSource; reason: string | null },
): Promise<boolean> {
  const inserted = await db
    .insertInto('dnc_entries')
    .values({ tenant_id: tenantId, phone: entry.phone, source: entry.source, reason: entry.reason })
    .onConflict((oc) => oc.columns(['tenant_id', 'phone']).doNothing())
    .returning('phone')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Adds many numbers (unique within the call); answers how many were new. */
export async function addDncEntries(
  db: Kysely<DB>,
  tenantId: string,
  phones: readonly string[],
  source: DncSource,
): Promise<number> {
  if (phones.length === 0) return 0;
  const result = await sql<{ phone: string }>`
    INSERT INTO dnc_entries (tenant_id, phone, source)
    SELECT ${tenantId}, p, ${source} FROM unnest(${[...phones]}::text[]) AS p
    ON CONFLICT (tenant_id, phone) DO NOTHING
    RETURNING phone`.execute(db);
  return result.rows.length;
}

export async function removeDncEntry(db: Kysely<DB>, tenantId: string, phone: string): Promise<boolean> {
  const result = await db
    .deleteFrom('dnc_entries')
    .where('tenant_id', '=', tenantId)
    .where('phone', '=', phone)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
