import { z } from 'zod';
import { notFound } from '../../errors.js';
import { personaCreate, personaPatch } from '../../personas/schema.js';
import {
  deletePersona,
  findPersona,
  insertPersona,
  personasQuery,
  renderPersona,
  replacePersona,
  storedInput,
} from '../../personas/store.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import { listSchema, pageQuery, paginate } from '../pagination.js';
import { BEARER, commonErrors, deletedObject, idParams } from '../schemas.js';

/** Personas (api.md): caller identities, configuration shared by test and live mode. */
export function registerPersonaRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Personas'];
  const personaResponse = z
    .object({
      id: z.string(),
      object: z.literal('persona'),
      name: z.string(),
      caller_name: z.string(),
      company: z.string().nullable(),
      role: z.string().nullable(),
      voice: z.string().nullable(),
      language: z.string().nullable(),
      default_rules: z.array(z.string()),
      created_at: z.string(),
      updated_at: z.string(),
    })
    .meta({ id: 'Persona' });

  app.post('/v1/personas', {
    config: { scope: 'personas:write' },
    schema: {
      tags,
      summary: 'Create a persona',
      security: BEARER,
      body: personaCreate,
      response: { 201: personaResponse, ...commonErrors },
    },
    handler: async (request, reply) => {
      const { tenant } = tenantOf(request.auth);
      return reply.code(201).send(renderPersona(await insertPersona(db, tenant.id, request.body)));
    },
  });

  app.get('/v1/personas', {
    config: { scope: 'personas:read' },
    schema: {
      tags,
      summary: 'List personas, newest first',
      security: BEARER,
      querystring: pageQuery,
      response: { 200: listSchema(personaResponse), ...commonErrors },
    },
    handler: async (request) =>
      paginate(personasQuery(db, tenantOf(request.auth).tenant.id), request.query, renderPersona),
  });

  app.get('/v1/personas/:id', {
    config: { scope: 'personas:read' },
    schema: {
      tags,
      summary: 'Get a persona',
      security: BEARER,
      params: idParams,
      response: { 200: personaResponse, ...commonErrors },
    },
    handler: async (request) => {
      const row = await findPersona(db, tenantOf(request.auth).tenant.id, request.params.id);
      if (!row) throw notFound('persona', request.params.id);
      return renderPersona(row);
    },
  });

  app.patch('/v1/personas/:id', {
    config: { scope: 'personas:write' },
    schema: {
      tags,
      summary: 'Update a persona: the fields sent replace the stored ones',
      security: BEARER,
      params: idParams,
      body: personaPatch,
      response: { 200: personaResponse, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const id = request.params.id;
      return db.transaction().execute(async (trx) => {
        const row = await findPersona(trx, tenant.id, id, { forUpdate: true });
        if (!row) throw notFound('persona', id);
        const updated = await replacePersona(trx, tenant.id, id, { ...storedInput(row), ...request.body });
        if (!updated) throw notFound('persona', id);
        return renderPersona(updated);
      });
    },
  });

  app.delete('/v1/personas/:id', {
    config: { scope: 'personas:write' },
    schema: {
      tags,
      summary: 'Delete a persona',
      security: BEARER,
      params: idParams,
      response: { 200: deletedObject('persona'), ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      if (!(await deletePersona(db, tenant.id, request.params.id))) throw notFound('persona', request.params.id);
      return { id: request.params.id, object: 'persona' as const, deleted: true as const };
    },
  });
}
