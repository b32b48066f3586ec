import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';

/** Everything one attempt needs, read in one query. */
export interface DeliveryToSend {
  id: string;
  status: 'pending' | 'succeeded' | 'failed';
  tenant_id: string;
  livemode: boolean;
  subscription_id: string | null;
  /** The ad-hoc URL, or the subscription's current URL. */
  target_url: string | null;
  subscription_enabled: boolean | null;
  subscription_deleted: boolean | null;
  /** Secrets that sign now: the current one, plus the previous during its grace period. */
  secrets: string[];
  event_id: string;
  event_type: string;
  event_created_at: string;
  event_data: string;
}

export async function loadDelivery(db: Kysely<DB>, id: string): Promise<DeliveryToSend | undefined> {
  const { rows } = await sql<DeliveryToSend>`
    SELECT d.id, d.status, d.tenant_id, d.livemode, d.subscription_id,
           coalesce(s.url, d.url) AS target_url,
           s.enabled AS subscription_enabled,
           (s.deleted_at IS NOT NULL) AS subscription_deleted,
           array_remove(ARRAY[
             coalesce(s.secret, ts.secret),
             CASE WHEN s.previous_secret_expires_at > now() THEN s.previous_secret END
           ], NULL) AS secrets,
           e.id AS event_id, e.type AS event_type,
           to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS event_created_at,
           e.data::text AS event_data
    FROM webhook_deliveries d
    JOIN events e ON e.id = d.event_id
    LEFT JOIN webhook_subscriptions s ON s.id = d.subscription_id
    LEFT JOIN webhook_tenant_secrets ts
      ON d.subscription_id IS NULL AND ts.tenant_id = d.tenant_id AND ts.livemode = d.livemode
    WHERE d.id = ${id}`.execute(db);
  return rows[0];
}

export interface AttemptRecord {
  deliveryId: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  excerpt: string | null;
  /** The delivery's state after this attempt. */
  status: 'pending' | 'succeeded' | 'failed';
}

/** Stores an attempt and the delivery's new state in one statement. */
export async function recordAttempt(db: Kysely<DB>, a: AttemptRecord): Promise<void> {
  await sql`
    WITH a AS (
      INSERT INTO webhook_attempts (delivery_id, number, status_code, latency_ms, error, response_excerpt)
      SELECT id, attempts + 1, ${a.statusCode}::int, ${a.latencyMs}::int, ${a.error}, ${a.excerpt}
      FROM webhook_deliveries WHERE id = ${a.deliveryId}
    )
    UPDATE webhook_deliveries
    SET attempts = attempts + 1, status = ${a.status}, last_status_code = ${a.statusCode}::int,
        last_error = ${a.error}, updated_at = now()
    WHERE id = ${a.deliveryId}`.execute(db);
}

/** Ends a delivery without an attempt (its subscription is gone or disabled). */
export async function abandonDelivery(db: Kysely<DB>, id: string, reason: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', last_error: reason, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** A receiver answered 410 Gone: it asks to receive nothing more (Standard Webhooks). */
export async function disableSubscriptionGone(db: Kysely<DB>, subscriptionId: string): Promise<void> {
  await db
    .updateTable('webhook_subscriptions')
    .set({ enabled: false, disabled_reason: 'receiver_gone', updated_at: new Date() })
    .where('id', '=', subscriptionId)
    .execute();
}
