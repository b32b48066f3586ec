import { type Kysely, sql } from 'kysely';
import { isoText, toIso } from '../db/iso-time.js';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';
import type { Contact, ContactInput } from './schema.js';

/**
 * Contacts in the database, every query scoped by tenant. A contact is deleted for real (its
 * memberships with it): it holds personal data, and calls keep their own copy of the number.
 */

/** A contact row as the list and get queries select it: timestamps as ISO text, list ids aggregated. */
export interface ContactView {
  id: string;
  phone: string;
  name: string | null;
  email: string | null;
  company: string | null;
  timezone: string | null;
  tags: string[];
  custom_fields: Record<string, unknown>;
  metadata: Record<string, unknown>;
  list_ids: string[];
  created_at: Date | string;
  updated_at: Date | string;
}

export function renderContact(row: ContactView): Contact {
  return {
    id: row.id,
    object: 'contact',
    phone: row.phone,
    name: row.name,
    email: row.email,
    company: row.company,
    timezone: row.timezone,
    tags: row.tags,
    custom_fields: row.custom_fields,
    metadata: row.metadata,
    list_ids: row.list_ids,
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
  };
}

/** The contact's lists, oldest membership first, as a json array. */
const listIdsOf = sql<string[]>`coalesce((
  SELECT jsonb_agg(m.list_id ORDER BY m.added_at, m.list_id) FROM contact_list_members m WHERE m.contact_id = contacts.id
), '[]'::jsonb)`;

/** The tenant's contacts as a query, for the caller to page through (or to narrow to one id). */
export function contactsQuery(
  db: Kysely<DB>,
  tenantId: string,
  filter: { phone?: string | undefined; list_id?: string | undefined; tag?: string | undefined } = {},
) {
  let q = db
    .selectFrom('contacts')
    .select([
      'contacts.id',
      'contacts.phone',
      'contacts.name',
      'contacts.email',
      'contacts.company',
      'contacts.timezone',
      'contacts.tags',
      'contacts.custom_fields',
      'contacts.metadata',
      listIdsOf.as('list_ids'),
      isoText('contacts.created_at').as('created_at'),
      isoText('contacts.updated_at').as('updated_at'),
    ])
    .where('contacts.tenant_id', '=', tenantId);
  if (filter.phone !== undefined) q = q.where('contacts.phone', '=', filter.phone);
  if (filter.tag !== undefined) q = q.where(sql<boolean>`contacts.tags @> ${JSON.stringify([filter.tag])}::jsonb`);
  if (filter.list_id !== undefined) {
    const listId = filter.list_id;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('contact_list_members as m')
          .select(sql`1`.as('one'))
          .whereRef('m.contact_id', '=', 'contacts.id')
          .where('m.list_id', '=', listId),
      ),
    );
  }
  return q;
}

export async function findContact(db: Kysely<DB>, tenantId: string, id: string): Promise<ContactView | undefined> {
  return contactsQuery(db, tenantId).where('contacts.id', '=', id).executeTakeFirst();
}

/** The id of the tenant's contact with this E.164 number, if any. */
export async function contactIdByPhone(db: Kysely<DB>, tenantId: string, phone: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('contacts')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('phone', '=', phone)
    .executeTakeFirst();
  return row?.id;
}

/** Which of `ids` are not lists of this tenant (in the order given). */
export async function unknownListIds(db: Kysely<DB>, tenantId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await db
    .selectFrom('contact_lists')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...ids])
    .execute();
  const known = new Set(found.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

/**
 * Inserts a contact with its memberships; undefined when the tenant already has a contact with
 * this phone (the unique index decides, so two concurrent creates cannot both succeed).
 */
export async function insertContact(
  db: Kysely<DB>,
  tenantId: string,
  contact: ContactInput,
): Promise<string | undefined> {
  const id = newId('ctc');
  const inserted = await db
    .insertInto('contacts')
    .values({
      id,
      tenant_id: tenantId,
      phone: contact.phone,
      name: contact.name,
      email: contact.email,
      company: contact.company,
      timezone: contact.timezone,
      tags: JSON.stringify(contact.tags),
      custom_fields: JSON.stringify(contact.custom_fields),
      metadata: JSON.stringify(contact.metadata),
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'phone']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return undefined;
  await setMemberships(db, id, contact.list_ids);
  return id;
}

/** Replaces a contact's fields and memberships with `contact`; false when it is gone. */
export async function replaceContact(
  db: Kysely<DB>,
  tenantId: string,
  id: string,
  contact: ContactInput,
): Promise<boolean> {
  const result = await db
    .updateTable('contacts')
    .set({
      phone: contact.phone,
      name: contact.name,
      email: contact.email,
      company: contact.company,
      timezone: contact.timezone,
      tags: JSON.stringify(contact.tags),
      custom_fields: JSON.stringify(contact.custom_fields),
      metadata: JSON.stringify(contact.metadata),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await db
    .deleteFrom('contact_list_members')
    .where('contact_id', '=', id)
    .$if(contact.list_ids.length > 0, (q) => q.where('list_id', 'not in', contact.list_ids))
    .execute();
  await setMemberships(db, id, contact.list_ids);
  return true;
}

async function setMemberships(db: Kysely<DB>, contactId: string, listIds: readonly string[]): Promise<void> {
  if (listIds.length === 0) return;
  await db
    .insertInto('contact_list_members')
    .values(listIds.map((listId) => ({ list_id: listId, contact_id: contactId })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function deleteContact(db: Kysely<DB>, tenantId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('contacts')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** The stored contact as a complete input, for merging a PATCH. */
export function storedInput(row: ContactView): ContactInput {
  return {
    phone: row.phone,
    name: row.name,
    email: row.email,
    company: row.company,
    timezone: row.timezone,
    tags: row.tags,
    custom_fields: row.custom_fields as ContactInput['custom_fields'],
    metadata: row.metadata,
    list_ids: row.list_ids,
  };
}
