import { z } from 'zod';
import { paginateStatic } from '../../agents/templates/index.js';
import { HttpError, notFound } from '../../errors.js';
import { BUILTIN_PLAYBOOKS, findBuiltin, isPlatformName } from '../../playbooks/builtin.js';
import { classifyObjective } from '../../playbooks/classifier.js';
import { playbookCreate, playbookPatch, strategyRequired } from '../../playbooks/schema.js';
import {
  deletePlaybook,
  findPlaybook,
  insertPlaybook,
  type Playbook,
  playbooksQuery,
  renderBuiltin,
  renderPlaybook,
  replacePlaybook,
  storedInput,
} from '../../playbooks/store.js';
import { CONTENT_FIELDS } from '../../playbooks/types.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import {
  decodeCursor,
  encodeCursor,
  listSchema,
  type Page,
  type PageQuery,
  pageQuery,
  paginate,
} from '../pagination.js';
import { BEARER, commonErrors, deletedObject, idParams } from '../schemas.js';
import { validationError } from '../validation.js';

/**
 * Playbooks (api.md): the nine `platform.*` built-ins, read-only, and the tenant's own (`pbk_`).
 * `{id}` may be either. Writing a built-in is 409 `playbook_read_only`: the request is fine, the
 * object's state (code, shared by every tenant) forbids it; 403 is kept for missing scopes.
 */
export function registerPlaybookRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Playbooks'];
  const builtins = BUILTIN_PLAYBOOKS.map(renderBuiltin);

  const playbookResponse = z
    .object({
      id: z.string().describe('pbk_… for your own, platform.… for a built-in.'),
      object: z.literal('playbook'),
      name: z.string(),
      description: z.string().nullable(),
      base: z.string().nullable(),
      builtin: z.boolean(),
      strategy: z.string(),
      behavior_rules: z.array(z.string()),
      extraction_schema: z.record(z.string(), z.unknown()).nullable(),
      success_criteria: z.array(z.string()),
      voice_tone: z.string().nullable(),
      inherited: z
        .array(z.enum(CONTENT_FIELDS))
        .describe('Fields read from base because this playbook leaves them null.'),
      created_at: z.string().nullable(),
      updated_at: z.string().nullable(),
    })
    .meta({ id: 'Playbook' });

  const readOnly = (id: string) =>
    new HttpError(
      409,
      'playbook_read_only',
      `${id} is a built-in playbook and cannot be changed or deleted; create your own with "base": "${id}" and change that.`,
    );

  /** The tenant's playbooks newest first, then the built-ins in their fixed order, on one cursor. */
  async function listPlaybooks(tenantId: string, page: PageQuery): Promise<Page<Playbook>> {
    if (page.cursor && isPlatformName(decodeCursor(page.cursor))) return paginateStatic(builtins, page, (p) => p);
    const custom = await paginate(playbooksQuery(db, tenantId), page, renderPlaybook);
    if (custom.has_more) return custom;
    const room = page.limit - custom.data.length;
    const data = [...custom.data, ...builtins.slice(0, room)];
    const hasMore = room < builtins.length;
    const last = data[data.length - 1];
    return { object: 'list', data, has_more: hasMore, next_cursor: hasMore && last ? encodeCursor(last.id) : null };
  }

  app.get('/v1/playbooks', {
    config: { scope: 'playbooks:read' },
    schema: {
      tags,
      summary: 'List your playbooks (newest first), then the built-in ones',
      security: BEARER,
      querystring: pageQuery,
      response: { 200: listSchema(playbookResponse), ...commonErrors },
    },
    handler: async (request) => listPlaybooks(tenantOf(request.auth).tenant.id, request.query),
  });

  app.post('/v1/playbooks', {
    config: { scope: 'playbooks:write' },
    schema: {
      tags,
      summary: 'Create a playbook, or fork a built-in one with base',
      security: BEARER,
      body: playbookCreate,
      response: { 201: playbookResponse, ...commonErrors },
    },
    handler: async (request, reply) => {
      const { tenant } = tenantOf(request.auth);
      const row = await insertPlaybook(db, tenant.id, request.body);
      return reply.code(201).send(renderPlaybook(row));
    },
  });

  app.get('/v1/playbooks/:id', {
    config: { scope: 'playbooks:read' },
    schema: {
      tags,
      summary: 'Get a playbook, yours or a built-in',
      security: BEARER,
      params: idParams,
      response: { 200: playbookResponse, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const id = request.params.id;
      const builtin = findBuiltin(id);
      if (builtin) return renderBuiltin(builtin);
      const row = isPlatformName(id) ? undefined : await findPlaybook(db, tenant.id, id);
      if (!row) throw notFound('playbook', id);
      return renderPlaybook(row);
    },
  });

  app.patch('/v1/playbooks/:id', {
    config: { scope: 'playbooks:write' },
    schema: {
      tags,
      summary: 'Update a playbook: fields sent replace the stored ones; null returns a field to its base',
      security: BEARER,
      params: idParams,
      body: playbookPatch,
      response: { 200: playbookResponse, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const id = request.params.id;
      if (findBuiltin(id)) throw readOnly(id);
      if (isPlatformName(id)) throw notFound('playbook', id);
      return db.transaction().execute(async (trx) => {
        const row = await findPlaybook(trx, tenant.id, id, { forUpdate: true });
        if (!row) throw notFound('playbook', id);
        const merged = { ...storedInput(row), ...request.body };
        if (merged.base === null && merged.strategy === null) throw validationError('body', [strategyRequired()]);
        const updated = await replacePlaybook(trx, tenant.id, id, merged);
        if (!updated) throw notFound('playbook', id);
        return renderPlaybook(updated);
      });
    },
  });

  app.delete('/v1/playbooks/:id', {
    config: { scope: 'playbooks:write' },
    schema: {
      tags,
      summary: 'Delete a playbook of yours',
      security: BEARER,
      params: idParams,
      response: { 200: deletedObject('playbook'), ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const id = request.params.id;
      if (findBuiltin(id)) throw readOnly(id);
      if (isPlatformName(id) || !(await deletePlaybook(db, tenant.id, id))) throw notFound('playbook', id);
      return { id, object: 'playbook' as const, deleted: true as const };
    },
  });

  const alternative = z.object({ playbook: z.string(), confidence: z.number() });
  app.post('/v1/playbooks/classify', {
    config: { scope: 'playbooks:read' },
    schema: {
      tags,
      summary: 'Pick the built-in playbook for a call objective',
      description:
        'Offline, a deterministic weighted phrase model; when an LLM classifier is configured, the LLM, with the phrase model as fallback.',
      security: BEARER,
      body: z.strictObject({ objective: z.string().trim().min(1).max(4_000) }),
      response: {
        200: z.object({
          playbook: z.string(),
          confidence: z.number(),
          alternatives: z.array(alternative).describe('Other playbooks with any evidence, most likely first.'),
          method: z.enum(['keywords', 'llm']),
        }),
        ...commonErrors,
      },
    },
    handler: async (request) => {
      const { playbook, confidence, alternatives, method } = await classifyObjective(request.body.objective);
      return { playbook, confidence, alternatives, method };
    },
  });
}
