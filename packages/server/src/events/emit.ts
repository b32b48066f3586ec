import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';
import { type DeliveryItem, enqueueDeliveryBatch } from './outbox.js';
import { type EventInput, isWebhookEventType, type StoredEventType } from './types.js';

/**
 * Attempts a delivery gets: the first, then one per gap of protocols.md's schedule (5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: about 3 days in all). Fixed here, not read from the
 * settings, so emitting needs nothing but the transaction; a shorter configured schedule
 * repeats its last gap.
 */
export const DEFAULT_DELIVERY_ATTEMPTS = 10;

export interface EmitOptions<T extends string = StoredEventType> extends EventInput<T> {
  /** Ad-hoc receivers besides the subscriptions: the agent's and the call's `webhook_url`. */
  webhookUrls?: Array<string | null | undefined>;
  /** The snapshot as JSON text already (e.g. an agent's stored view); used instead of `data`. */
  dataJson?: string;
  /** Deliver only to this subscription (webhook.test), whatever it subscribes to. */
  onlySubscriptionId?: string;
}

export interface EmittedEvent {
  id: string;
  deliveryIds: string[];
}

/**
 * Records an event in the caller's transaction (the transactional outbox: no event without its
 * change, no change without its event) and enqueues its webhook deliveries in the same
 * transaction. Live streams hear of it when the transaction commits (the events insert trigger
 * NOTIFYs `cs_events`; events/bus.ts). Only the 15 webhook types reach subscriptions (a `*`
 * subscription included); other stored types are history and streams only.
 */
export async function emitEvent<T extends StoredEventType>(
  trx: Kysely<DB>,
  event: EmitOptions<T>,
): Promise<EmittedEvent> {
  return (await emitEvents(trx, [event]))[0] as EmittedEvent;
}

/**
 * `emitEvent` for many events in three statements whatever their number (events, matching
 * subscriptions, deliveries with their jobs): a campaign's burst, or the bench's 500 a
 * transaction, costs what one event does.
 */
export async function emitEvents(trx: Kysely<DB>, events: EmitOptions<StoredEventType>[]): Promise<EmittedEvent[]> {
  if (events.length === 0) return [];
  const ids = events.map(() => newId('evt'));
  await trx
    .insertInto('events')
    .values(
      events.map((e, i) => ({
        id: ids[i] as string,
        tenant_id: e.tenantId,
        livemode: e.livemode,
        type: e.type,
        data: e.dataJson ?? JSON.stringify(e.data ?? {}),
        call_id: e.callId ?? null,
        campaign_id: e.campaignId ?? null,
        batch_id: e.batchId ?? null,
      })),
    )
    .execute();

  const wantSubs = events.filter((e) => !e.onlySubscriptionId && isWebhookEventType(e.type));
  const subs = wantSubs.length ? await subscriptionsOf(trx, wantSubs) : [];
  const items: DeliveryItem[] = [];
  const owner: number[] = [];
  events.forEach((e, i) => {
    const base = { tenantId: e.tenantId, livemode: e.livemode, eventId: ids[i] as string };
    const add = (target: { subscriptionId?: string; url?: string }) => {
      items.push({ ...base, ...target });
      owner.push(i);
    };
    if (e.onlySubscriptionId) add({ subscriptionId: e.onlySubscriptionId });
    else if (isWebhookEventType(e.type)) {
      for (const s of subs) {
        if (
          s.tenant_id === e.tenantId &&
          s.livemode === e.livemode &&
          (s.event_types.includes('*') || s.event_types.includes(e.type))
        ) {
          add({ subscriptionId: s.id });
        }
      }
    }
    for (const url of new Set(e.webhookUrls ?? [])) if (url) add({ url });
  });
  const deliveryIds = await enqueueDeliveryBatch(trx, items, DEFAULT_DELIVERY_ATTEMPTS);
  return ids.map((id, i) => ({ id, deliveryIds: deliveryIds.filter((_, k) => owner[k] === i) }));
}

/** Enabled subscriptions of the events' tenants and modes (matched to types by the caller). */
function subscriptionsOf(db: Kysely<DB>, events: Array<{ tenantId: string; livemode: boolean }>) {
  const tenants = [...new Set(events.map((e) => e.tenantId))];
  return db
    .selectFrom('webhook_subscriptions')
    .select(['id', 'tenant_id', 'livemode', 'event_types'])
    .where('tenant_id', 'in', tenants)
    .where('livemode', 'in', [...new Set(events.map((e) => e.livemode))])
    .where('enabled', '=', true)
    .where('deleted_at', 'is', null)
    .execute();
}

/** Enabled subscriptions of the event's tenant and mode that want its type (or `*`). */
export function matchingSubscriptions(db: Kysely<DB>, event: { tenantId: string; livemode: boolean; type: string }) {
  return db
    .selectFrom('webhook_subscriptions')
    .select('id')
    .where('tenant_id', '=', event.tenantId)
    .where('livemode', '=', event.livemode)
    .where('enabled', '=', true)
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`(event_types @> '["*"]'::jsonb OR event_types @> ${JSON.stringify([event.type])}::jsonb)`)
    .execute();
}
