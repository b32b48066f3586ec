import { z } from 'zod';
import { type AgentConfig, agentRuleIssues, agentSchemas } from '../../agents/schema.js';
import {
  agentJson,
  agentsPageFetch,
  deleteAgent,
  findAgent,
  insertAgent,
  mergeAgentPatch,
  replaceAgent,
  storedConfig,
} from '../../agents/store.js';
import { notFound } from '../../errors.js';
import { emitEvent } from '../../events/emit.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import { listSchema, pageQuery, paginateJson } from '../pagination.js';
import { BEARER, commonErrors, deletedObject, idParams, queryBool, sendJson } from '../schemas.js';
import { validationError } from '../validation.js';

export function registerAgentRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Agents'];
  const { agentObject, agentPatch } = agentSchemas(ctx.providers);
  const agentResponse = agentObject
    .extend({ id: z.string(), object: z.literal('agent'), created_at: z.string(), updated_at: z.string() })
    .meta({ id: 'Agent' });

  /** Cross-field rules, reported as 400 with per-field errors. */
  const checkRules = (agent: AgentConfig) => {
    const issues = agentRuleIssues(agent);
    if (issues.length) throw validationError('body', issues as never);
  };

  app.post('/v1/agents', {
    config: { scope: 'agents:write' },
    schema: {
      tags,
      summary: 'Create an agent',
      security: BEARER,
      body: agentObject,
      response: { 201: agentResponse, ...commonErrors },
    },
    handler: async (request, reply) => {
      const { tenant, mode } = tenantOf(request.auth);
      checkRules(request.body);
      const json = await db.transaction().execute(async (trx) => {
        const text = agentJson(await insertAgent(trx, tenant.id, request.body));
        await emitEvent(trx, {
          tenantId: tenant.id,
          livemode: mode === 'live',
          type: 'agent.created',
          dataJson: text,
          data: null,
        });
        return text;
      });
      return sendJson(reply.code(201), json);
    },
  });

  app.get('/v1/agents', {
    config: { scope: 'agents:read' },
    schema: {
      tags,
      summary: 'List agents, newest first',
      security: BEARER,
      querystring: pageQuery.extend({ is_active: queryBool.optional() }),
      response: { 200: listSchema(agentResponse), ...commonErrors },
    },
    handler: async (request, reply) => {
      const { tenant } = tenantOf(request.auth);
      const { is_active, ...page } = request.query;
      return sendJson(reply, await paginateJson(agentsPageFetch(db, tenant.id, { is_active }), page, agentJson));
    },
  });

  app.get('/v1/agents/:id', {
    config: { scope: 'agents:read' },
    schema: {
      tags,
      summary: 'Get an agent',
      security: BEARER,
      params: idParams,
      response: { 200: agentResponse, ...commonErrors },
    },
    handler: async (request, reply) => {
      const { tenant } = tenantOf(request.auth);
      const row = await findAgent(db, tenant.id, request.params.id);
      if (!row) throw notFound('agent', request.params.id);
      return sendJson(reply, agentJson(row));
    },
  });

  app.patch('/v1/agents/:id', {
    config: { scope: 'agents:write' },
    schema: {
      tags,
      summary: 'Update an agent: the fields sent replace the stored ones',
      security: BEARER,
      params: idParams,
      body: agentPatch,
      response: { 200: agentResponse, ...commonErrors },
    },
    handler: async (request, reply) => {
      const { tenant, mode } = tenantOf(request.auth);
      const id = request.params.id;
      const json = await db.transaction().execute(async (trx) => {
        const row = await findAgent(trx, tenant.id, id, { forUpdate: true });
        if (!row) throw notFound('agent', id);
        const parsed = agentObject.safeParse(mergeAgentPatch(storedConfig(row), request.body as Partial<AgentConfig>));
        if (!parsed.success) throw validationError('body', parsed.error.issues);
        checkRules(parsed.data);
        const stored = await replaceAgent(trx, tenant.id, id, parsed.data);
        if (!stored) throw notFound('agent', id);
        const text = agentJson(stored);
        await emitEvent(trx, {
          tenantId: tenant.id,
          livemode: mode === 'live',
          type: 'agent.updated',
          dataJson: text,
          data: null,
        });
        return text;
      });
      return sendJson(reply, json);
    },
  });

  app.delete('/v1/agents/:id', {
    config: { scope: 'agents:write' },
    schema: {
      tags,
      summary: 'Delete an agent',
      security: BEARER,
      params: idParams,
      response: { 200: deletedObject('agent'), ...commonErrors },
    },
    handler: async (request) => {
      const { tenant, mode } = tenantOf(request.auth);
      const deleted = { id: request.params.id, object: 'agent' as const, deleted: true as const };
      await db.transaction().execute(async (trx) => {
        if (!(await deleteAgent(trx, tenant.id, request.params.id))) throw notFound('agent', request.params.id);
        // Events: agent.created/deleted are history and streams only (not among api.md's 15 webhook types).
        await emitEvent(trx, { tenantId: tenant.id, livemode: mode === 'live', type: 'agent.deleted', data: deleted });
      });
      return deleted;
    },
  });
}
