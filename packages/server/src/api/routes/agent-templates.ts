import { z } from 'zod';
import { agentRuleIssues, agentSchemas } from '../../agents/schema.js';
import { insertAgent, renderAgent } from '../../agents/store.js';
import {
  AGENT_TEMPLATES,
  type AgentTemplate,
  cloneTemplate,
  findTemplate,
  paginateStatic,
  VERTICALS,
} from '../../agents/templates/index.js';
import type { FieldError } from '../../errors.js';
import { notFound } from '../../errors.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import { listSchema, pageQuery } from '../pagination.js';
import { BEARER, commonErrors, idParams } from '../schemas.js';
import { validationError } from '../validation.js';

/**
 * The built-in agent templates (api.md, "Agents"): read-only, listed in catalogue order (by
 * vertical, as the issue names them) with the standard list envelope, and cloned into agents
 * through the same store and checks as `POST /v1/agents`.
 */
export function registerAgentTemplateRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Agent templates'];
  const { agentObject, agentPatch } = agentSchemas(ctx.providers);

  // Parsed once: the answer carries every default, exactly as a created agent would.
  const catalogue = AGENT_TEMPLATES.map((t) => {
    const parsed = agentObject.safeParse(t.agent);
    if (!parsed.success) throw new Error(`template ${t.id} is not a valid agent: ${parsed.error.message}`);
    return render(t, parsed.data);
  });
  const rendered = new Map(catalogue.map((t) => [t.id as string, t]));

  const variable = z.object({
    name: z.string(),
    description: z.string(),
    required: z.boolean(),
    example: z.string(),
    default: z.string().optional().describe('Written in by a clone that is given no value.'),
  });
  const templateResponse = z
    .object({
      id: z.string(),
      object: z.literal('agent_template'),
      vertical: z.enum(VERTICALS),
      name: z.string(),
      description: z.string(),
      variables: z.array(variable),
      transfer: z
        .object({ mode: z.enum(['cold', 'warm']), description: z.string() })
        .describe("The transfer_call tool a clone adds when given 'transfer_to'."),
      agent: agentObject,
    })
    .meta({ id: 'AgentTemplate' });
  const agentResponse = agentObject.extend({
    id: z.string(),
    object: z.literal('agent'),
    created_at: z.string(),
    updated_at: z.string(),
  });
  const cloneBody = z.strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    variables: z
      .record(z.string().max(64), z.string().max(4_000))
      .optional()
      .describe('Values for the template\u2019s variables, written into the prompts and messages now.'),
    transfer_to: z
      .string()
      .max(300)
      .optional()
      .describe('E.164 number or sip: URI; adds a transfer_call tool with the template\u2019s transfer description.'),
    overrides: agentPatch.optional().describe('Agent fields that replace the template\u2019s, as in a PATCH.'),
  });

  app.get('/v1/agent-templates', {
    config: { scope: 'agents:read' },
    schema: {
      tags,
      summary: 'List the built-in agent templates, in catalogue order',
      security: BEARER,
      querystring: pageQuery.extend({ vertical: z.enum(VERTICALS).optional() }),
      response: { 200: listSchema(templateResponse), ...commonErrors },
    },
    handler: async (request) => {
      const { vertical, ...page } = request.query;
      const items = vertical ? catalogue.filter((t) => t.vertical === vertical) : catalogue;
      return paginateStatic(items, page, (t) => t);
    },
  });

  app.get('/v1/agent-templates/:id', {
    config: { scope: 'agents:read' },
    schema: {
      tags,
      summary: 'Get an agent template',
      security: BEARER,
      params: idParams,
      response: { 200: templateResponse, ...commonErrors },
    },
    handler: async (request) => {
      const found = rendered.get(request.params.id);
      if (!found) throw notFound('agent template', request.params.id);
      return found;
    },
  });

  app.post('/v1/agent-templates/:id/clone', {
    config: { scope: 'agents:write' },
    // The body is optional: no body clones the template as it is.
    preValidation: async (request) => {
      if (request.body === undefined || request.body === null) request.body = {};
    },
    schema: {
      tags,
      summary: 'Create an agent from a template',
      security: BEARER,
      params: idParams,
      body: cloneBody,
      response: { 201: agentResponse, ...commonErrors },
    },
    handler: async (request, reply) => {
      const { tenant } = tenantOf(request.auth);
      const template = findTemplate(request.params.id);
      if (!template) throw notFound('agent template', request.params.id);
      const clone = cloneTemplate(template, request.body);
      if (clone.errors.length) throw fieldErrors(clone.errors);
      const parsed = agentObject.safeParse(clone.agent);
      if (!parsed.success) {
        throw fieldErrors(parsed.error.issues.map((i) => ({ path: clone.requestPath(i.path), message: i.message })));
      }
      const rules = agentRuleIssues(parsed.data).map((i) => ({ path: clone.requestPath(i.path), message: i.message }));
      if (rules.length) throw fieldErrors(rules);
      const row = await insertAgent(db, tenant.id, parsed.data);
      return reply.code(201).send(renderAgent(row));
    },
  });
}

function render(template: AgentTemplate, agent: z.output<ReturnType<typeof agentSchemas>['agentObject']>) {
  return {
    id: template.id,
    object: 'agent_template' as const,
    vertical: template.vertical,
    name: template.name,
    description: template.description,
    variables: template.variables,
    transfer: template.transfer,
    agent,
  };
}

/** A 400 listing `errors`, whose paths are already the request body's. */
function fieldErrors(errors: FieldError[]) {
  return validationError('body', errors.map((e) => ({ path: e.path.split('.'), message: e.message })) as never);
}
