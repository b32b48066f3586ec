import { type Kysely, sql } from 'kysely';
import { isoText } from '../db/iso-time.js';
import type { DB } from '../db/schema.js';
import type { Scope } from './subscriptions.js';

/** One attempt as the API shows it. */
export interface AttemptView {
  number: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_excerpt: string | null;
  created_at: string;
}

export interface DeliveryRow {
  id: string;
  livemode: boolean;
  subscription_id: string | null;
  url: string | null;
  event_id: string;
  event_type: string;
  status: 'pending' | 'succeeded' | 'failed';
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  attempts: AttemptView[];
  created_at: string;
  updated_at: string;
}

/**
 * A subscription's deliveries, each with its attempts (status code, latency, error, response
 * excerpt), for the keyset pagination helper (ordered by `d.id`). `next_attempt_at` is the
 * delivery job's run time while a retry is due.
 */
export function deliveriesQuery(db: Kysely<DB>, scope: Scope, subscriptionId: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .leftJoin('jobs as j', (join) => join.onRef('j.id', '=', 'd.job_id').on('j.failed_at', 'is', null))
    .select([
      'd.id as id',
      'd.livemode as livemode',
      'd.subscription_id as subscription_id',
      'd.url as url',
      'd.event_id as event_id',
      'e.type as event_type',
      'd.status as status',
      'd.last_status_code as last_status_code',
      'd.last_error as last_error',
      sql<string | null>`CASE WHEN d.status = 'pending' THEN ${isoText('j.run_at')} END`.as('next_attempt_at'),
      sql<AttemptView[]>`(
        SELECT coalesce(json_agg(json_build_object(
          'number', a.number, 'status_code', a.status_code, 'latency_ms', a.latency_ms, 'error', a.error,
          'response_excerpt', a.response_excerpt,
          'created_at', to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        ) ORDER BY a.id), '[]'::json)
        FROM webhook_attempts a WHERE a.delivery_id = d.id)`.as('attempts'),
      isoText('d.created_at').as('created_at'),
      isoText('d.updated_at').as('updated_at'),
    ])
    .where('d.tenant_id', '=', scope.tenantId)
    .where('d.livemode', '=', scope.livemode)
    .where('d.subscription_id', '=', subscriptionId);
}

export function renderDelivery(row: DeliveryRow) {
  return {
    id: row.id,
    object: 'webhook_delivery' as const,
    livemode: row.livemode,
    webhook_id: row.subscription_id,
    url: row.url,
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    next_attempt_at: row.next_attempt_at,
    attempts: row.attempts,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
