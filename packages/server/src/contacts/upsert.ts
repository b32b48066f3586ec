import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';

/**
 * Many contacts written at once, upserted by (tenant, phone): what `POST /v1/contacts/bulk` and
 * the CSV import share. One INSERT … SELECT FROM unnest(arrays) … ON CONFLICT per batch: ten
 * array parameters whatever the batch size, so the statement text is constant (prepared once)
 * and PostgreSQL plans one statement per 1,000 rows instead of parsing 10,000 placeholders.
 *
 * An existing contact is merged, not replaced: a null field keeps the stored value, tags are
 * added to the stored ones, custom fields and metadata are merged key by key (the new value wins).
 */

/** One contact to write; phones must be E.164 and unique within a batch (see `mergeInto`). */
export interface ContactWrite {
  phone: string;
  name: string | null;
  email: string | null;
  company: string | null;
  timezone: string | null;
  tags: string[];
  custom_fields: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** Lists the contact joins (it stays in the lists it was already in). */
  list_ids: string[];
}

export interface UpsertedContact {
  id: string;
  /** True when this write created the contact; false when it merged into an existing one. */
  created: boolean;
}

/**
 * Writes `rows` (unique phones) and their memberships; answers per phone. Run it inside a
 * transaction: the contacts and their memberships must land together.
 */
export async function upsertContacts(
  db: Kysely<DB>,
  tenantId: string,
  rows: readonly ContactWrite[],
): Promise<Map<string, UpsertedContact>> {
  const out = new Map<string, UpsertedContact>();
  if (rows.length === 0) return out;
  const col = <K extends keyof ContactWrite>(k: K) => rows.map((r) => r[k]);
  const json = (k: 'tags' | 'custom_fields' | 'metadata') => rows.map((r) => JSON.stringify(r[k]));
  const result = await sql<{ id: string; phone: string; created: boolean }>`
    INSERT INTO contacts AS c (id, tenant_id, phone, name, email, company, timezone, tags, custom_fields, metadata)
    SELECT u.id, ${tenantId}, u.phone, u.name, u.email, u.company, u.timezone, u.tags::jsonb, u.custom_fields::jsonb, u.metadata::jsonb
    FROM unnest(${rows.map(() => newId('ctc'))}::text[], ${col('phone')}::text[], ${col('name')}::text[],
                ${col('email')}::text[], ${col('company')}::text[], ${col('timezone')}::text[],
                ${json('tags')}::text[], ${json('custom_fields')}::text[], ${json('metadata')}::text[])
      AS u(id, phone, name, email, company, timezone, tags, custom_fields, metadata)
    ON CONFLICT (tenant_id, phone) DO UPDATE SET
      name = coalesce(EXCLUDED.name, c.name),
      email = coalesce(EXCLUDED.email, c.email),
      company = coalesce(EXCLUDED.company, c.company),
      timezone = coalesce(EXCLUDED.timezone, c.timezone),
      tags = CASE WHEN EXCLUDED.tags = '[]'::jsonb THEN c.tags ELSE c.tags || coalesce((
        SELECT jsonb_agg(t.value ORDER BY t.ordinality) FROM jsonb_array_elements(EXCLUDED.tags) WITH ORDINALITY t
        WHERE NOT c.tags @> jsonb_build_array(t.value)), '[]'::jsonb) END,
      custom_fields = c.custom_fields || EXCLUDED.custom_fields,
      metadata = c.metadata || EXCLUDED.metadata,
      updated_at = now()
    RETURNING c.id, c.phone, (c.xmax = 0) AS created`.execute(db);
  for (const row of result.rows) out.set(row.phone, { id: row.id, created: row.created });

  const listIds: string[] = [];
  const contactIds: string[] = [];
  for (const row of rows) {
    const id = out.get(row.phone)?.id;
    if (!id) continue;
    for (const listId of row.list_ids) {
      listIds.push(listId);
      contactIds.push(id);
    }
  }
  if (listIds.length) {
    await sql`
      INSERT INTO contact_list_members (list_id, contact_id)
      SELECT * FROM unnest(${listIds}::text[], ${contactIds}::text[])
      ON CONFLICT DO NOTHING`.execute(db);
  }
  return out;
}

/**
 * Folds `next` into `into` (same phone, `next` came later): its non-null fields win, tags, lists,
 * custom fields and metadata are combined. The same rule the database applies to an existing row.
 */
export function mergeInto(into: ContactWrite, next: ContactWrite): void {
  into.name = next.name ?? into.name;
  into.email = next.email ?? into.email;
  into.company = next.company ?? into.company;
  into.timezone = next.timezone ?? into.timezone;
  into.tags = [...new Set([...into.tags, ...next.tags])];
  into.list_ids = [...new Set([...into.list_ids, ...next.list_ids])];
  into.custom_fields = { ...into.custom_fields, ...next.custom_fields };
  into.metadata = { ...into.metadata, ...next.metadata };
}
