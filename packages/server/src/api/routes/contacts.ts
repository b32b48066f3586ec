import type { Kysely } from 'kysely';
import { z } from 'zod';
import { bulkRequest, bulkResponse, bulkUpsert } from '../../contacts/bulk.js';
import { normalisePhone, tenantRegion } from '../../contacts/phone.js';
import { type ContactInput, contactInput, contactObject, contactPatch } from '../../contacts/schema.js';
import {
  contactIdByPhone,
  contactsQuery,
  deleteContact,
  findContact,
  insertContact,
  renderContact,
  replaceContact,
  storedInput,
  unknownListIds,
} from '../../contacts/store.js';
import type { DB, Tenant } from '../../db/schema.js';
import { HttpError, notFound } from '../../errors.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import { listSchema, pageQuery, paginate } from '../pagination.js';
import { BEARER, commonErrors, deletedObject, idParams } from '../schemas.js';

/** A 400 naming one field, rendered like every schema failure. */
function fieldError(path: string, message: string, where = 'request body'): HttpError {
  return new HttpError(400, 'validation_error', `Invalid ${where}: ${path}: ${message}.`, {
    errors: [{ path, message }],
  });
}

const pgCode = (err: unknown) => (err as { code?: unknown } | null)?.code;
/** PostgreSQL's unique_violation, on either engine. */
const isUniqueViolation = (err: unknown) => pgCode(err) === '23505';

/** A list checked a moment ago was deleted before the memberships were written (foreign_key_violation). */
function listDeletedMeanwhile(err: unknown): unknown {
  return pgCode(err) === '23503'
    ? fieldError('list_ids', 'a contact list was deleted meanwhile; send the request again')
    : err;
}

/** The contact with its phone in E.164 and its lists checked to be the tenant's; 400 otherwise. */
async function normalised(db: Kysely<DB>, tenant: Tenant, contact: ContactInput): Promise<ContactInput> {
  const phone = normalisePhone(contact.phone, tenantRegion(tenant.settings));
  if (!phone.ok) throw fieldError('phone', phone.reason);
  const unknown = await unknownListIds(db, tenant.id, contact.list_ids);
  if (unknown.length) {
    const i = contact.list_ids.indexOf(unknown[0] as string);
    throw fieldError(`list_ids.${i}`, `no contact list with id '${unknown[0]}'`);
  }
  return { ...contact, phone: phone.e164 };
}

function duplicatePhone(phone: string, existingId: string | undefined): HttpError {
  return new HttpError(
    409,
    'contact_exists',
    `A contact with phone ${phone} already exists${existingId ? ` (${existingId})` : ''}: update it with PATCH, or upsert with POST /v1/contacts/bulk.`,
    { extra: { existing_id: existingId ?? null } },
  );
}

export function registerContactRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Contacts'];

  app.post('/v1/contacts', {
    config: { scope: 'contacts:write' },
    schema: {
      tags,
      summary: 'Create a contact (409 contact_exists, with existing_id, when the phone is taken)',
      security: BEARER,
      body: contactInput,
      response: { 201: contactObject, ...commonErrors },
    },
    handler: async (request, reply) => {
      const { tenant } = tenantOf(request.auth);
      const contact = await normalised(db, tenant, request.body);
      const id = await db
        .transaction()
        .execute(async (trx) => {
          const created = await insertContact(trx, tenant.id, contact);
          if (!created) throw duplicatePhone(contact.phone, await contactIdByPhone(trx, tenant.id, contact.phone));
          return created;
        })
        .catch((err: unknown) => {
          throw listDeletedMeanwhile(err);
        });
      const row = await findContact(db, tenant.id, id);
      if (!row) throw notFound('contact', id);
      return reply.code(201).send(renderContact(row));
    },
  });

  app.get('/v1/contacts', {
    config: { scope: 'contacts:read' },
    schema: {
      tags,
      summary: 'List contacts, newest first; filter by phone (any accepted form), list_id or tag',
      security: BEARER,
      querystring: pageQuery.extend({
        phone: z.string().min(1).max(64).optional(),
        list_id: z.string().min(1).max(100).optional(),
        tag: z.string().min(1).max(64).optional(),
      }),
      response: { 200: listSchema(contactObject), ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const { phone, list_id, tag, ...page } = request.query;
      let e164: string | undefined;
      if (phone !== undefined) {
        const parsed = normalisePhone(phone, tenantRegion(tenant.settings));
        if (!parsed.ok) {
          throw fieldError('phone', parsed.reason, 'query string');
        }
        e164 = parsed.e164;
      }
      return paginate(contactsQuery(db, tenant.id, { phone: e164, list_id, tag }), page, renderContact, 'contacts.id');
    },
  });

  app.post('/v1/contacts/bulk', {
    config: { scope: 'contacts:write', rateClass: 'bulk' },
    schema: {
      tags,
      summary: `Upsert up to 10,000 contacts by phone, with a result per row`,
      description:
        'Each row is validated alone; a bad row is rejected with its errors and the others are written. ' +
        'An existing contact (same phone) is merged: null or absent fields keep their stored value, tags and lists are added, ' +
        'custom_fields and metadata are merged key by key. Rows are written 1,000 to a transaction, each with its list memberships.',
      security: BEARER,
      body: bulkRequest,
      response: { 200: bulkResponse, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const listIds = [...new Set(request.body.list_ids)];
      const unknown = await unknownListIds(db, tenant.id, listIds);
      if (unknown.length) {
        throw fieldError(
          `list_ids.${listIds.indexOf(unknown[0] as string)}`,
          `no contact list with id '${unknown[0]}'`,
        );
      }
      return bulkUpsert(db, {
        tenantId: tenant.id,
        region: tenantRegion(tenant.settings),
        rows: request.body.contacts,
        listIds,
        onChunkError: (err) => request.log.error({ err }, 'bulk contacts: a chunk failed to commit'),
      });
    },
  });

  app.get('/v1/contacts/:id', {
    config: { scope: 'contacts:read' },
    schema: {
      tags,
      summary: 'Get a contact',
      security: BEARER,
      params: idParams,
      response: { 200: contactObject, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const row = await findContact(db, tenant.id, request.params.id);
      if (!row) throw notFound('contact', request.params.id);
      return renderContact(row);
    },
  });

  app.patch('/v1/contacts/:id', {
    config: { scope: 'contacts:write' },
    schema: {
      tags,
      summary: 'Update a contact: the fields sent replace the stored ones (list_ids replaces the memberships)',
      security: BEARER,
      params: idParams,
      body: contactPatch,
      response: { 200: contactObject, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const id = request.params.id;
      await db
        .transaction()
        .execute(async (trx) => {
          const locked = await trx
            .selectFrom('contacts')
            .select('id')
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', id)
            .forUpdate()
            .executeTakeFirst();
          const row = locked && (await findContact(trx, tenant.id, id));
          if (!row) throw notFound('contact', id);
          const merged = { ...storedInput(row), ...(request.body as Partial<ContactInput>) };
          const contact = await normalised(trx, tenant, merged);
          if (contact.phone !== row.phone) {
            const taken = await contactIdByPhone(trx, tenant.id, contact.phone);
            if (taken) throw duplicatePhone(contact.phone, taken);
          }
          if (!(await replaceContact(trx, tenant.id, id, contact))) throw notFound('contact', id);
        })
        .catch((err: unknown) => {
          // Another request took the number between our check and our write.
          if (isUniqueViolation(err))
            throw duplicatePhone(String((request.body as { phone?: string }).phone), undefined);
          throw listDeletedMeanwhile(err);
        });
      const row = await findContact(db, tenant.id, id);
      if (!row) throw notFound('contact', id);
      return renderContact(row);
    },
  });

  app.delete('/v1/contacts/:id', {
    config: { scope: 'contacts:write' },
    schema: {
      tags,
      summary: 'Delete a contact and its list memberships',
      security: BEARER,
      params: idParams,
      response: { 200: deletedObject('contact'), ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      if (!(await deleteContact(db, tenant.id, request.params.id))) throw notFound('contact', request.params.id);
      return { id: request.params.id, object: 'contact' as const, deleted: true as const };
    },
  });
}
