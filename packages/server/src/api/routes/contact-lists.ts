import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { importContactsCsv, MAX_REPORTED_REJECTIONS } from '../../campaigns/csv-import.js';
import {
  contactListExists,
  contactListInput,
  contactListObject,
  contactListPatch,
  contactListsQuery,
  deleteContactList,
  findContactList,
  insertContactList,
  renderContactList,
  updateContactList,
} from '../../contacts/lists.js';
import { tenantRegion } from '../../contacts/phone.js';
import { contactObject } from '../../contacts/schema.js';
import { contactsQuery, renderContact } from '../../contacts/store.js';
import {
  MAX_UPLOAD_BYTES,
  registerStreamParsers,
  uploadBody,
  uploadedFile,
  uploadValidatorCompiler,
} from '../../contacts/upload-stream.js';
import { notFound } from '../../errors.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import { listSchema, pageQuery, paginate } from '../pagination.js';
import { BEARER, commonErrors, deletedObject, idParams } from '../schemas.js';

const importResult = z
  .object({
    object: z.literal('import'),
    list_id: z.string(),
    total_rows: z.number().int(),
    imported: z.number().int(),
    updated: z.number().int(),
    duplicates: z.number().int(),
    rejected_count: z.number().int(),
    rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  })
  .meta({ id: 'ContactImport' });

/** Media types the import reads; every one is streamed. */
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'multipart/form-data'];

export function registerContactListRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Contact lists'];

  app.post('/v1/contact-lists', {
    config: { scope: 'contacts:write' },
    schema: {
      tags,
      summary: 'Create a contact list',
      security: BEARER,
      body: contactListInput,
      response: { 201: contactListObject, ...commonErrors },
    },
    handler: async (request, reply) => {
      const { tenant } = tenantOf(request.auth);
      const id = await insertContactList(db, tenant.id, request.body);
      const row = await findContactList(db, tenant.id, id);
      if (!row) throw notFound('contact list', id);
      return reply.code(201).send(renderContactList(row));
    },
  });

  app.get('/v1/contact-lists', {
    config: { scope: 'contacts:read' },
    schema: {
      tags,
      summary: 'List contact lists, newest first',
      security: BEARER,
      querystring: pageQuery,
      response: { 200: listSchema(contactListObject), ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      return paginate(contactListsQuery(db, tenant.id), request.query, renderContactList, 'contact_lists.id');
    },
  });

  app.get('/v1/contact-lists/:id', {
    config: { scope: 'contacts:read' },
    schema: {
      tags,
      summary: 'Get a contact list',
      security: BEARER,
      params: idParams,
      response: { 200: contactListObject, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const row = await findContactList(db, tenant.id, request.params.id);
      if (!row) throw notFound('contact list', request.params.id);
      return renderContactList(row);
    },
  });

  app.patch('/v1/contact-lists/:id', {
    config: { scope: 'contacts:write' },
    schema: {
      tags,
      summary: 'Rename or describe a contact list',
      security: BEARER,
      params: idParams,
      body: contactListPatch,
      response: { 200: contactListObject, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const id = request.params.id;
      if (!(await updateContactList(db, tenant.id, id, request.body))) throw notFound('contact list', id);
      const row = await findContactList(db, tenant.id, id);
      if (!row) throw notFound('contact list', id);
      return renderContactList(row);
    },
  });

  app.delete('/v1/contact-lists/:id', {
    config: { scope: 'contacts:write' },
    schema: {
      tags,
      summary: 'Delete a contact list (its contacts stay)',
      security: BEARER,
      params: idParams,
      response: { 200: deletedObject('contact_list'), ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      if (!(await deleteContactList(db, tenant.id, request.params.id))) {
        throw notFound('contact list', request.params.id);
      }
      return { id: request.params.id, object: 'contact_list' as const, deleted: true as const };
    },
  });

  app.get('/v1/contact-lists/:id/contacts', {
    config: { scope: 'contacts:read' },
    schema: {
      tags,
      summary: "The list's contacts, newest first",
      security: BEARER,
      params: idParams,
      querystring: pageQuery,
      response: { 200: listSchema(contactObject), ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const id = request.params.id;
      if (!(await contactListExists(db, tenant.id, id))) throw notFound('contact list', id);
      return paginate(contactsQuery(db, tenant.id, { list_id: id }), request.query, renderContact, 'contacts.id');
    },
  });

  // The import reads its body as a stream, so it lives in its own scope with its own parsers:
  // every other route keeps JSON only.
  app.register(async (child) => {
    registerStreamParsers(child, CSV_TYPES);
    child.withTypeProvider<ZodTypeProvider>().post('/v1/contact-lists/:id/import', {
      bodyLimit: MAX_UPLOAD_BYTES,
      validatorCompiler: uploadValidatorCompiler,
      config: { scope: 'contacts:write', rateClass: 'bulk' },
      schema: {
        tags,
        summary: 'Import a CSV into the list (text/csv body or multipart/form-data, streamed, up to 512 MB)',
        description:
          'The first line is a header. The phone column may be called phone, number, phone_number, mobile, cell, telephone…; ' +
          'name (or first_name + last_name), email, company, timezone and tags (separated by ; or |) are read; every other column becomes a custom field. ' +
          'Numbers are read as E.164 or in national form with the account default_region. Contacts are upserted by phone, ' +
          'so an import can be run again. The answer lists rejected rows by line number (the header is line 1), ' +
          `at most ${MAX_REPORTED_REJECTIONS}; rejected_count counts them all.`,
        security: BEARER,
        params: idParams,
        consumes: CSV_TYPES,
        body: uploadBody,
        response: { 200: importResult, ...commonErrors },
      },
      handler: async (request) => {
        const { tenant } = tenantOf(request.auth);
        const id = request.params.id;
        if (!(await contactListExists(db, tenant.id, id))) throw notFound('contact list', id);
        const file = await uploadedFile(request.body);
        return importContactsCsv(file, {
          db,
          tenantId: tenant.id,
          listId: id,
          region: tenantRegion(tenant.settings),
        });
      },
    });
  });
}
