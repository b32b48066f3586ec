import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';

/**
 * Many contacts written at once, upserted by (tenant, phone): what `POST /v1/contacts/bulk` and
 * the CSV import share. A batch is one statement whatever its size: the rows travel as one JSON
 * parameter (`contactsPayload`), `jsonb_array_elements` unpacks them (no dearer for PostgreSQL
 * than ten `unnest` arrays, measured), the INSERT … ON CONFLICT and the list memberships are two
 * data-modifying CTEs of that statement, so a batch is one round
 * trip, atomic without a transaction, and its statement text is constant (prepared once).
 *
 * Why one JSON string rather than ten arrays: pg turns each array parameter into an array literal
 * by concatenating strings (2.4 KB of garbage a row), and the rows' objects stayed referenced
 * until the statement ended. A 1,000,000-row import then promoted ~500 B a row into V8's old
 * generation, which V8 let grow to 4× the live heap (+150 MB) before collecting it. The payload
 * is built in one call when a batch is sent, and the rows die young (campaigns/NOTES.md).
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
 * `rows` as the statement's parameter: a JSON array of arrays (positions, not keys, to keep it
 * small), each with a new contact id, used only if the phone is new. Rows must hold storable
 * text (no NUL, no lone surrogate: `api/storable.ts`), which jsonb would refuse.
 */
export function contactsPayload(rows: Iterable<ContactWrite>): string {
  const out: unknown[] = [];
  for (const r of rows) {
    out.push([
      newId('ctc'),
      r.phone,
      r.name,
      r.email,
      r.company,
      r.timezone,
      r.tags,
      r.custom_fields,
      r.metadata,
      r.list_ids,
    ]);
  }
  return JSON.stringify(out);
}

/** The rows of the payload upserted for the tenant: CTEs `input` and `written`, to be followed. */
const UPSERT = (payload: string, tenantId: string) => sql`
  WITH input AS (
    SELECT r->>0 AS id, r->>1 AS phone, r->>2 AS name, r->>3 AS email, r->>4 AS company, r->>5 AS timezone,
           r->6 AS tags, r->7 AS custom_fields, r->8 AS metadata, r->9 AS list_ids
    FROM jsonb_array_elements(${payload}::jsonb) AS r
  ), written AS (
    INSERT INTO contacts AS c (id, tenant_id, phone, name, email, company, timezone, tags, custom_fields, metadata)
    SELECT id, ${tenantId}::text, phone, name, email, company, timezone, tags, custom_fields, metadata FROM input
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
    RETURNING c.id, c.phone, (c.xmax = 0) AS created
  )`;

/**
 * Writes `rows` (unique phones) and their memberships in one statement; answers per phone.
 */
export async function upsertContacts(
  db: Kysely<DB>,
  tenantId: string,
  rows: readonly ContactWrite[],
): Promise<Map<string, UpsertedContact>> {
  const out = new Map<string, UpsertedContact>();
  if (rows.length === 0) return out;
  const result = await sql<{ id: string; phone: string; created: boolean }>`
    ${UPSERT(contactsPayload(rows), tenantId)}, joined AS (
      INSERT INTO contact_list_members (list_id, contact_id)
      SELECT l.list_id, w.id FROM written w JOIN input i ON i.phone = w.phone
      CROSS JOIN LATERAL jsonb_array_elements_text(i.list_ids) AS l(list_id)
      ON CONFLICT DO NOTHING
    )
    SELECT id, phone, created FROM written`.execute(db);
  for (const row of result.rows) out.set(row.phone, { id: row.id, created: row.created });
  return out;
}

export interface UpsertCounts {
  /** Contacts this statement created. */
  created: number;
  /** Existing contacts whose id sorts after `createdAfter`: created since then (ids are monotonic). */
  createdSince: number;
  /** The other existing contacts. */
  older: number;
}

/**
 * Writes a `contactsPayload` whose every row joins `listId` (the rows' own `list_ids` are not
 * read) and answers counts only: what an import needs. Joining each written contact back to its
 * input row for its lists cost PostgreSQL 2.5 µs a row of the import's ~25; 3 values a row read
 * back and parsed cost the server as much.
 */
export async function upsertContactsCounting(
  db: Kysely<DB>,
  tenantId: string,
  payload: string,
  options: { listId: string; createdAfter: string },
): Promise<UpsertCounts> {
  const createdAfter = options.createdAfter;
  const result = await sql<UpsertCounts>`
    ${UPSERT(payload, tenantId)}, joined AS (
      INSERT INTO contact_list_members (list_id, contact_id)
      SELECT ${options.listId}::text, id FROM written
      ON CONFLICT DO NOTHING
    )
    SELECT count(*) FILTER (WHERE created)::int AS "created",
           count(*) FILTER (WHERE NOT created AND id > ${createdAfter})::int AS "createdSince",
           count(*) FILTER (WHERE NOT created AND id <= ${createdAfter})::int AS "older"
    FROM written`.execute(db);
  const row = result.rows[0];
  return { created: row?.created ?? 0, createdSince: row?.createdSince ?? 0, older: row?.older ?? 0 };
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
