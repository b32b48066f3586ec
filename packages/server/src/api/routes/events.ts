import { sql } from 'kysely';
import { z } from 'zod';
import { isoText } from '../../db/iso-time.js';
import { HttpError, notFound } from '../../errors.js';
import { DEFAULT_DELIVERY_ATTEMPTS, matchingSubscriptions } from '../../events/emit.js';
import { enqueueDeliveries } from '../../events/outbox.js';
import { RETENTION_DAYS } from '../../events/prune.js';
import { findWebhook } from '../../events/subscriptions.js';
import { eventJson, isWebhookEventType } from '../../events/types.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import { listSchema, type PageFetch, pageQuery, paginateJson } from '../pagination.js';
import { BEARER, commonErrors, idParams, sendJson } from '../schemas.js';

export const eventResponse = z
  .object({
    id: z.string(),
    object: z.literal('event'),
    type: z.string(),
    created_at: z.string(),
    livemode: z.boolean(),
    data: z.record(z.string(), z.unknown()).describe('A snapshot of the object the event is about.'),
  })
  .meta({ id: 'Event' });

const idFilter = z.string().min(1).max(100);

export function registerEventRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Events'];

  const eventsOf = (tenantId: string, livemode: boolean) =>
    db
      .selectFrom('events')
      .select(['id', 'type', 'livemode', isoText('created_at').as('created_at'), sql<string>`data::text`.as('data')])
      .where('tenant_id', '=', tenantId)
      .where('livemode', '=', livemode)
      .where('created_at', '>', sql<Date>`now() - ${RETENTION_DAYS}::int * interval '1 day'`);
  const render = (r: { id: string; type: string; livemode: boolean; created_at: string; data: string }) =>
    eventJson({ id: r.id, type: r.type, createdAt: r.created_at, livemode: r.livemode, dataJson: r.data });

  app.get('/v1/events', {
    config: { scope: 'events:read' },
    schema: {
      tags,
      summary: 'Events of the last 30 days in this mode, newest first',
      security: BEARER,
      querystring: pageQuery.extend({
        type: z.string().min(1).max(100).optional(),
        call_id: idFilter.optional(),
        campaign_id: idFilter.optional(),
      }),
      response: { 200: listSchema(eventResponse), ...commonErrors },
    },
    handler: async (request, reply) => {
      const { tenant, mode } = tenantOf(request.auth);
      const { type, call_id, campaign_id, ...page } = request.query;
      let q = eventsOf(tenant.id, mode === 'live');
      if (type) q = q.where('type', '=', type);
      if (call_id) q = q.where('call_id', '=', call_id);
      if (campaign_id) q = q.where('campaign_id', '=', campaign_id);
      const fetch: PageFetch<Awaited<ReturnType<typeof q.execute>>[number]> = ({ beforeId, limit }) =>
        (beforeId === undefined ? q : q.where('id', '<', beforeId)).orderBy('id', 'desc').limit(limit).execute();
      return sendJson(reply, await paginateJson(fetch, page, render));
    },
  });

  app.get('/v1/events/:id', {
    config: { scope: 'events:read' },
    schema: {
      tags,
      summary: 'Get an event',
      security: BEARER,
      params: idParams,
      response: { 200: eventResponse, ...commonErrors },
    },
    handler: async (request, reply) => {
      const { tenant, mode } = tenantOf(request.auth);
      const row = await eventsOf(tenant.id, mode === 'live')
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!row) throw notFound('event', request.params.id);
      return sendJson(reply, render(row));
    },
  });

  app.post('/v1/events/:id/replay', {
    config: { scope: 'webhooks:write' },
    schema: {
      tags,
      summary:
        'Deliver an event again: to one subscription (webhook_id), or to every enabled subscription of this mode that wants its type',
      security: BEARER,
      params: idParams,
      body: z.object({ webhook_id: idFilter.optional() }).strict(),
      response: {
        202: z.object({
          object: z.literal('event_replay'),
          event_id: z.string(),
          deliveries: z.array(z.object({ id: z.string(), webhook_id: z.string() })),
        }),
        ...commonErrors,
      },
    },
    handler: async (request, reply) => {
      const { tenant, mode } = tenantOf(request.auth);
      const livemode = mode === 'live';
      const eventId = request.params.id;
      const webhookId = request.body.webhook_id;
      const deliveries = await db.transaction().execute(async (trx) => {
        const event = await trx
          .selectFrom('events')
          .select(['id', 'type'])
          .where('tenant_id', '=', tenant.id)
          .where('livemode', '=', livemode)
          .where('id', '=', eventId)
          .executeTakeFirst();
        if (!event) throw notFound('event', eventId);
        let subscriptionIds: string[];
        if (webhookId) {
          const sub = await findWebhook(trx, { tenantId: tenant.id, livemode }, webhookId);
          if (!sub) throw notFound('webhook', webhookId);
          if (!sub.enabled) {
            throw new HttpError(
              409,
              'webhook_disabled',
              `Webhook '${webhookId}' is disabled; enable it before replaying to it.`,
            );
          }
          subscriptionIds = [sub.id];
        } else {
          subscriptionIds = isWebhookEventType(event.type)
            ? (await matchingSubscriptions(trx, { tenantId: tenant.id, livemode, type: event.type })).map((s) => s.id)
            : [];
        }
        const ids = await enqueueDeliveries(trx, {
          tenantId: tenant.id,
          livemode,
          eventId,
          targets: subscriptionIds.map((id) => ({ subscriptionId: id })),
          maxAttempts: DEFAULT_DELIVERY_ATTEMPTS,
        });
        return ids.map((id, i) => ({ id, webhook_id: subscriptionIds[i] as string }));
      });
      return reply.code(202).send({ object: 'event_replay' as const, event_id: eventId, deliveries });
    },
  });
}
