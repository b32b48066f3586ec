import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addDncEntry,
  checkDncCursor,
  DNC_SOURCES,
  dncEntriesQuery,
  dncEntryObject,
  findDncEntry,
  removeDncEntry,
  renderDncEntry,
} from '../../contacts/dnc.js';
import { importDncList } from '../../contacts/dnc-import.js';
import { normalisePhone, tenantRegion } from '../../contacts/phone.js';
import {
  MAX_UPLOAD_BYTES,
  registerStreamParsers,
  uploadBody,
  uploadedFile,
  uploadValidatorCompiler,
} from '../../contacts/upload-stream.js';
import type { Tenant } from '../../db/schema.js';
import { HttpError } from '../../errors.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import { listSchema, pageQuery, paginate } from '../pagination.js';
import { BEARER, commonErrors } from '../schemas.js';

const phoneParams = z.object({
  phone: z.string().min(1).max(64).describe('The number, E.164 (URL-encoded: %2B14155550123) or national form'),
});

const dncImportResult = z
  .object({
    object: z.literal('dnc_import'),
    total_lines: z.number().int(),
    added: z.number().int(),
    already_present: z.number().int(),
    rejected_count: z.number().int(),
    rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  })
  .meta({ id: 'DncImport' });

/** The number in E.164 with the tenant's region, or a 400 naming `path`. */
function e164(tenant: Tenant, input: string, path: string, where: string): string {
  const parsed = normalisePhone(input, tenantRegion(tenant.settings));
  if (parsed.ok) return parsed.e164;
  throw new HttpError(400, 'validation_error', `Invalid ${where}: ${path}: ${parsed.reason}.`, {
    errors: [{ path, message: parsed.reason }],
  });
}

/** Media types the DNC import reads; every one is streamed. */
const DNC_TYPES = ['text/plain', 'text/csv', 'application/csv', 'multipart/form-data'];

const noEntry = (phone: string) => new HttpError(404, 'not_found', `${phone} is not on the do-not-call list.`);

export function registerDncRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Do not call'];

  app.post('/v1/dnc', {
    config: { scope: 'contacts:write' },
    schema: {
      tags,
      summary: 'Add a number to the do-not-call list (200 with the stored entry when it is already there)',
      security: BEARER,
      body: z.strictObject({
        phone: z.string().min(1).max(64),
        source: z.enum(DNC_SOURCES).default('api'),
        reason: z.string().trim().max(500).nullable().default(null),
      }),
      response: { 200: dncEntryObject, 201: dncEntryObject, ...commonErrors },
    },
    handler: async (request, reply) => {
      const { tenant } = tenantOf(request.auth);
      const phone = e164(tenant, request.body.phone, 'phone', 'request body');
      const added = await addDncEntry(db, tenant.id, { ...request.body, phone });
      const row = await findDncEntry(db, tenant.id, phone);
      if (!row) throw noEntry(phone);
      return reply.code(added ? 201 : 200).send(renderDncEntry(row));
    },
  });

  app.get('/v1/dnc', {
    config: { scope: 'contacts:read' },
    schema: {
      tags,
      summary: 'List the do-not-call list, newest first',
      security: BEARER,
      querystring: pageQuery.extend({ source: z.enum(DNC_SOURCES).optional() }),
      response: { 200: listSchema(dncEntryObject), ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const { source, ...page } = request.query;
      checkDncCursor(page.cursor);
      return paginate(dncEntriesQuery(db, tenant.id, { source }), page, renderDncEntry, 'dnc_entries.seq');
    },
  });

  app.get('/v1/dnc/:phone', {
    config: { scope: 'contacts:read' },
    schema: {
      tags,
      summary: 'Is this number on the do-not-call list? (404 when it is not)',
      security: BEARER,
      params: phoneParams,
      response: { 200: dncEntryObject, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const phone = e164(tenant, request.params.phone, 'phone', 'path');
      const row = await findDncEntry(db, tenant.id, phone);
      if (!row) throw noEntry(phone);
      return renderDncEntry(row);
    },
  });

  app.delete('/v1/dnc/:phone', {
    config: { scope: 'contacts:write' },
    schema: {
      tags,
      summary: 'Remove a number from the do-not-call list',
      security: BEARER,
      params: phoneParams,
      response: {
        200: z.object({ id: z.string(), object: z.literal('dnc_entry'), deleted: z.literal(true) }),
        ...commonErrors,
      },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const phone = e164(tenant, request.params.phone, 'phone', 'path');
      if (!(await removeDncEntry(db, tenant.id, phone))) throw noEntry(phone);
      return { id: phone, object: 'dnc_entry' as const, deleted: true as const };
    },
  });

  app.register(async (child) => {
    registerStreamParsers(child, DNC_TYPES);
    child.withTypeProvider<ZodTypeProvider>().post('/v1/dnc/import', {
      bodyLimit: MAX_UPLOAD_BYTES,
      validatorCompiler: uploadValidatorCompiler,
      config: { scope: 'contacts:write', rateClass: 'bulk' },
      schema: {
        tags,
        summary: 'Import numbers into the do-not-call list: text, one number a line (streamed, up to 512 MB)',
        description:
          'Each line is a number in any accepted form, or a line of the National DNC Registry full-list flat file ' +
          '(2125551234, or 212,5551234). `source` (default import; registry for the national extract) is stored on new entries; ' +
          'numbers already on the list keep their entry.',
        security: BEARER,
        consumes: DNC_TYPES,
        body: uploadBody,
        querystring: z.object({ source: z.enum(['import', 'registry']).default('import') }),
        response: { 200: dncImportResult, ...commonErrors },
      },
      handler: async (request) => {
        const { tenant } = tenantOf(request.auth);
        const file = await uploadedFile(request.body);
        return importDncList(file, {
          db,
          tenantId: tenant.id,
          region: tenantRegion(tenant.settings),
          source: request.query.source,
        });
      },
    });
  });
}
