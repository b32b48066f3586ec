import { z } from 'zod';
import { HttpError, notFound } from '../../errors.js';
import { deliveriesQuery, renderDelivery } from '../../events/deliveries.js';
import { emitEvent } from '../../events/emit.js';
import { ensureTenantSecret } from '../../events/outbox.js';
import {
  deleteWebhook,
  findWebhook,
  insertWebhook,
  renderWebhook,
  rotateWebhookSecret,
  type Scope,
  updateWebhook,
  webhooksQuery,
  webhookUrlProblem,
} from '../../events/subscriptions.js';
import { LIVE_ONLY_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from '../../events/types.js';
import type { AuthContext } from '../context.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import { listSchema, pageQuery, paginate } from '../pagination.js';
import { BEARER, commonErrors, deletedObject, idParams } from '../schemas.js';
import { validationError } from '../validation.js';

const liveOnly: ReadonlySet<string> = new Set(LIVE_ONLY_EVENT_TYPES);
const webhookTypes: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2048)
  .describe('Where deliveries are POSTed. Private and loopback addresses are refused unless the operator allows them.');

const eventTypes = z
  .array(z.string())
  .min(1, 'name at least one event type, or ["*"] for all')
  .max(WEBHOOK_EVENT_TYPES.length)
  .superRefine((types, ctx) => {
    types.forEach((t, i) => {
      if (t === '*' && types.length > 1) {
        ctx.addIssue({ code: 'custom', path: [i], message: '"*" stands alone: it already means every type' });
      } else if (t !== '*' && !webhookTypes.has(t)) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: liveOnly.has(t)
            ? `'${t}' is a live-only event: it flows to GET /v1/events/stream and /v1/ws, not to webhooks`
            : `'${t}' is not a webhook event type; use one of ${WEBHOOK_EVENT_TYPES.join(', ')}, or "*"`,
        });
      }
    });
  })
  .describe('The event types delivered, or ["*"] for every webhook event type.');

const webhookFields = z.object({
  url: webhookUrl,
  event_types: eventTypes.default(['*']),
  description: z.string().max(500).nullable().default(null),
  enabled: z.boolean().default(true),
});
const webhookPatch = z
  .object({
    url: webhookUrl,
    event_types: eventTypes,
    description: z.string().max(500).nullable(),
    enabled: z.boolean(),
  })
  .partial()
  .strict();

const webhookResponse = z
  .object({
    id: z.string(),
    object: z.literal('webhook'),
    livemode: z.boolean(),
    url: z.string(),
    event_types: z.array(z.string()),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable(),
    secret: z.string().describe('whsec_…: whole at creation and rotation, masked otherwise.'),
    previous_secret_expires_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Webhook' });

const attemptResponse = z.object({
  number: z.number(),
  status_code: z.number().nullable(),
  latency_ms: z.number(),
  error: z.string().nullable(),
  response_excerpt: z.string().nullable(),
  created_at: z.string(),
});
const deliveryResponse = z
  .object({
    id: z.string(),
    object: z.literal('webhook_delivery'),
    livemode: z.boolean(),
    webhook_id: z.string().nullable(),
    url: z.string().nullable(),
    event_id: z.string(),
    event_type: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    last_status_code: z.number().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: z.string().nullable(),
    attempts: z.array(attemptResponse),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

const ONE_DAY_SEC = 24 * 3600;
/** Parsed in the handler, not by the route schema: the body may be absent altogether. */
const rotateBody = z
  .object({
    grace_period_sec: z
      .number()
      .int()
      .min(0)
      .max(7 * ONE_DAY_SEC)
      .default(ONE_DAY_SEC),
  })
  .strict();

function scopeOf(auth: AuthContext | undefined): Scope {
  const { tenant, mode } = tenantOf(auth);
  return { tenantId: tenant.id, livemode: mode === 'live' };
}

export function registerWebhookRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Webhooks'];

  /** 400 naming `url` when the SSRF guard refuses it. */
  const checkUrl = async (url: string) => {
    const problem = await webhookUrlProblem(url, ctx.settings.current.CALLINGSCOUT_ALLOW_PRIVATE_URLS);
    if (problem) {
      throw new HttpError(
        400,
        'validation_error',
        `Invalid request body: url: ${problem}; webhooks go to public addresses.`,
        {
          errors: [{ path: 'url', message: `${problem}; webhooks go to public addresses` }],
        },
      );
    }
  };

  app.post('/v1/webhooks', {
    config: { scope: 'webhooks:write' },
    schema: {
      tags,
      summary: 'Create a webhook subscription; the answer carries its signing secret, shown whole only now',
      security: BEARER,
      body: webhookFields,
      response: { 201: webhookResponse, ...commonErrors },
    },
    handler: async (request, reply) => {
      const scope = scopeOf(request.auth);
      await checkUrl(request.body.url);
      const row = await insertWebhook(db, scope, request.body);
      return reply.code(201).send(renderWebhook(row, { revealSecret: true }));
    },
  });

  app.get('/v1/webhooks', {
    config: { scope: 'webhooks:read' },
    schema: {
      tags,
      summary: 'List webhook subscriptions of this mode, newest first',
      security: BEARER,
      querystring: pageQuery,
      response: { 200: listSchema(webhookResponse), ...commonErrors },
    },
    handler: async (request) =>
      paginate(webhooksQuery(db, scopeOf(request.auth)), request.query, (r) => renderWebhook(r)),
  });

  app.get('/v1/webhooks/default-secret', {
    config: { scope: 'webhooks:read' },
    schema: {
      tags,
      summary: "The secret that signs deliveries to agents' and calls' webhook_url, in this mode",
      security: BEARER,
      response: {
        200: z.object({ object: z.literal('webhook_default_secret'), livemode: z.boolean(), secret: z.string() }),
        ...commonErrors,
      },
    },
    handler: async (request) => {
      const scope = scopeOf(request.auth);
      const secret = await ensureTenantSecret(db, scope.tenantId, scope.livemode);
      return { object: 'webhook_default_secret' as const, livemode: scope.livemode, secret };
    },
  });

  app.get('/v1/webhooks/:id', {
    config: { scope: 'webhooks:read' },
    schema: {
      tags,
      summary: 'Get a webhook subscription (secret masked)',
      security: BEARER,
      params: idParams,
      response: { 200: webhookResponse, ...commonErrors },
    },
    handler: async (request) => {
      const row = await findWebhook(db, scopeOf(request.auth), request.params.id);
      if (!row) throw notFound('webhook', request.params.id);
      return renderWebhook(row);
    },
  });

  app.patch('/v1/webhooks/:id', {
    config: { scope: 'webhooks:write' },
    schema: {
      tags,
      summary: 'Update a webhook subscription; enabling it again clears disabled_reason',
      security: BEARER,
      params: idParams,
      body: webhookPatch,
      response: { 200: webhookResponse, ...commonErrors },
    },
    handler: async (request) => {
      if (request.body.url !== undefined) await checkUrl(request.body.url);
      const row = await updateWebhook(db, scopeOf(request.auth), request.params.id, request.body);
      if (!row) throw notFound('webhook', request.params.id);
      return renderWebhook(row);
    },
  });

  app.delete('/v1/webhooks/:id', {
    config: { scope: 'webhooks:write' },
    schema: {
      tags,
      summary: 'Delete a webhook subscription; its pending deliveries are dropped',
      security: BEARER,
      params: idParams,
      response: { 200: deletedObject('webhook'), ...commonErrors },
    },
    handler: async (request) => {
      if (!(await deleteWebhook(db, scopeOf(request.auth), request.params.id))) {
        throw notFound('webhook', request.params.id);
      }
      return { id: request.params.id, object: 'webhook' as const, deleted: true as const };
    },
  });

  app.post('/v1/webhooks/:id/rotate-secret', {
    config: { scope: 'webhooks:write' },
    schema: {
      tags,
      summary: 'Replace the signing secret; the old one keeps signing alongside for the grace period (default 24 h)',
      description:
        'Optional JSON body `{"grace_period_sec": 0–604800}`: how long the old secret still signs (a second v1 entry in webhook-signature).',
      security: BEARER,
      params: idParams,
      response: { 200: webhookResponse, ...commonErrors },
    },
    handler: async (request) => {
      const scope = scopeOf(request.auth);
      const parsed = rotateBody.safeParse(request.body ?? {});
      if (!parsed.success) throw validationError('body', parsed.error.issues);
      const grace = parsed.data.grace_period_sec;
      const row = await db.transaction().execute((trx) => rotateWebhookSecret(trx, scope, request.params.id, grace));
      if (!row) throw notFound('webhook', request.params.id);
      return renderWebhook(row, { revealSecret: true });
    },
  });

  app.post('/v1/webhooks/:id/test', {
    config: { scope: 'webhooks:write' },
    schema: {
      tags,
      summary: 'Send a webhook.test event to this subscription',
      security: BEARER,
      params: idParams,
      response: {
        202: z.object({ object: z.literal('webhook_test'), event_id: z.string(), delivery_id: z.string() }),
        ...commonErrors,
      },
    },
    handler: async (request, reply) => {
      const scope = scopeOf(request.auth);
      const id = request.params.id;
      const emitted = await db.transaction().execute(async (trx) => {
        const row = await findWebhook(trx, scope, id);
        if (!row) throw notFound('webhook', id);
        return emitEvent(trx, {
          tenantId: scope.tenantId,
          livemode: scope.livemode,
          type: 'webhook.test',
          data: { object: 'webhook_test', webhook_id: id, message: 'A test event from CallingScout.' },
          onlySubscriptionId: id,
        });
      });
      return reply
        .code(202)
        .send({ object: 'webhook_test' as const, event_id: emitted.id, delivery_id: emitted.deliveryIds[0] as string });
    },
  });

  app.get('/v1/webhooks/:id/deliveries', {
    config: { scope: 'webhooks:read' },
    schema: {
      tags,
      summary:
        "A subscription's deliveries, newest first, each with its attempts (status, latency, error, response excerpt)",
      security: BEARER,
      params: idParams,
      querystring: pageQuery,
      response: { 200: listSchema(deliveryResponse), ...commonErrors },
    },
    handler: async (request) => {
      const scope = scopeOf(request.auth);
      if (!(await findWebhook(db, scope, request.params.id))) throw notFound('webhook', request.params.id);
      return paginate(deliveriesQuery(db, scope, request.params.id), request.query, renderDelivery, 'd.id');
    },
  });
}
