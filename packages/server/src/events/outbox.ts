import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';
import { newWebhookSecret } from './delivery/signature.js';

/** The job queue that sends webhooks (delivery/worker.ts). */
export const WEBHOOK_QUEUE = 'webhook.deliver';

export interface DeliveryTarget {
  /** A subscription, signed with its secret(s)… */
  subscriptionId?: string;
  /** …or an ad-hoc URL (a per-agent or per-call webhook_url), signed with the tenant's default secret. */
  url?: string;
}

/** One delivery to write: an event to a target, in the event's tenant and mode. */
export interface DeliveryItem extends DeliveryTarget {
  tenantId: string;
  livemode: boolean;
  eventId: string;
}

/**
 * The transactional outbox: writes one delivery row and one job per item, in the caller's
 * transaction and in one statement, so the deliveries exist exactly when the event does. The
 * job's insert trigger NOTIFYs the delivery workers at commit. Returns the delivery ids, in
 * the order of `items`.
 */
export async function enqueueDeliveryBatch(
  trx: Kysely<DB>,
  items: DeliveryItem[],
  maxAttempts: number,
): Promise<string[]> {
  if (items.length === 0) return [];
  const needSecret = new Map<string, DeliveryItem>();
  for (const i of items) if (i.url) needSecret.set(`${i.tenantId}/${i.livemode}`, i);
  for (const i of needSecret.values()) await ensureTenantSecret(trx, i.tenantId, i.livemode);
  const ids = items.map(() => newId('dlv'));
  await sql`
    WITH j AS (
      INSERT INTO jobs (queue, payload, max_attempts)
      SELECT ${WEBHOOK_QUEUE}, jsonb_build_object('delivery_id', x.id), ${maxAttempts}::int
      FROM unnest(${ids}::text[]) AS x(id)
      RETURNING id, payload->>'delivery_id' AS delivery_id
    )
    INSERT INTO webhook_deliveries (id, tenant_id, livemode, event_id, subscription_id, url, job_id)
    SELECT d.id, d.tenant_id, d.livemode, d.event_id, d.sub, d.url, j.id
    FROM unnest(${ids}::text[], ${items.map((i) => i.tenantId)}::text[], ${items.map((i) => i.livemode)}::boolean[],
                ${items.map((i) => i.eventId)}::text[], ${items.map((i) => i.subscriptionId ?? null)}::text[],
                ${items.map((i) => i.url ?? null)}::text[]) AS d(id, tenant_id, livemode, event_id, sub, url)
    JOIN j ON j.delivery_id = d.id`.execute(trx);
  return ids;
}

/** `enqueueDeliveryBatch` for one event (replays). */
export function enqueueDeliveries(
  trx: Kysely<DB>,
  options: { tenantId: string; livemode: boolean; eventId: string; targets: DeliveryTarget[]; maxAttempts: number },
): Promise<string[]> {
  const { tenantId, livemode, eventId } = options;
  return enqueueDeliveryBatch(
    trx,
    options.targets.map((t) => ({ tenantId, livemode, eventId, ...t })),
    options.maxAttempts,
  );
}

/** The tenant's default signing secret for ad-hoc URLs in this mode, made on first use. */
export async function ensureTenantSecret(db: Kysely<DB>, tenantId: string, livemode: boolean): Promise<string> {
  await db
    .insertInto('webhook_tenant_secrets')
    .values({ tenant_id: tenantId, livemode, secret: newWebhookSecret() })
    .onConflict((oc) => oc.columns(['tenant_id', 'livemode']).doNothing())
    .execute();
  const row = await db
    .selectFrom('webhook_tenant_secrets')
    .select('secret')
    .where('tenant_id', '=', tenantId)
    .where('livemode', '=', livemode)
    .executeTakeFirstOrThrow();
  return row.secret;
}
