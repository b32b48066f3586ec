import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Kysely } from 'kysely';
import { isoText, toIso } from '../db/iso-time.js';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';
import { isPrivateAddress } from '../net/ssrf-guard.js';
import { maskSecret, newWebhookSecret } from './delivery/signature.js';

/**
 * Webhook subscriptions in the database. Activity objects: scoped by tenant AND mode (a test
 * key never sees a live subscription). Deleted ones keep their row until their deliveries are
 * pruned.
 */

export interface WebhookView {
  id: string;
  object: 'webhook';
  livemode: boolean;
  url: string;
  event_types: string[];
  description: string | null;
  enabled: boolean;
  /** Why the platform disabled it (`receiver_gone`: it answered 410); null otherwise. */
  disabled_reason: string | null;
  /** The whole secret at creation and rotation, masked (`whsec_****abcd`) otherwise. */
  secret: string;
  /** While the previous secret still signs after a rotation, when it stops. */
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

interface Row {
  id: string;
  livemode: boolean;
  url: string;
  event_types: string[];
  description: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  secret: string;
  previous_secret_expires_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export function renderWebhook(row: Row, options: { revealSecret?: boolean } = {}): WebhookView {
  const expires = row.previous_secret_expires_at;
  return {
    id: row.id,
    object: 'webhook',
    livemode: row.livemode,
    url: row.url,
    event_types: row.event_types,
    description: row.description,
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    secret: options.revealSecret ? row.secret : maskSecret(row.secret),
    previous_secret_expires_at: expires && new Date(expires).getTime() > Date.now() ? toIso(expires) : null,
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
  };
}

export interface Scope {
  tenantId: string;
  livemode: boolean;
}

export interface WebhookFields {
  url: string;
  event_types: string[];
  description: string | null;
  enabled: boolean;
}

export async function insertWebhook(db: Kysely<DB>, scope: Scope, fields: WebhookFields): Promise<Row> {
  return db
    .insertInto('webhook_subscriptions')
    .values({
      id: newId('whk'),
      tenant_id: scope.tenantId,
      livemode: scope.livemode,
      url: fields.url,
      event_types: JSON.stringify(fields.event_types),
      description: fields.description,
      enabled: fields.enabled,
      secret: newWebhookSecret(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findWebhook(db: Kysely<DB>, scope: Scope, id: string, options: { forUpdate?: boolean } = {}) {
  const q = db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('tenant_id', '=', scope.tenantId)
    .where('livemode', '=', scope.livemode)
    .where('id', '=', id)
    .where('deleted_at', 'is', null);
  return (options.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

export function webhooksQuery(db: Kysely<DB>, scope: Scope) {
  return db
    .selectFrom('webhook_subscriptions')
    .select([
      'id',
      'livemode',
      'url',
      'event_types',
      'description',
      'enabled',
      'disabled_reason',
      'secret',
      'previous_secret_expires_at',
      isoText('created_at').as('created_at'),
      isoText('updated_at').as('updated_at'),
    ])
    .where('tenant_id', '=', scope.tenantId)
    .where('livemode', '=', scope.livemode)
    .where('deleted_at', 'is', null);
}

export async function updateWebhook(db: Kysely<DB>, scope: Scope, id: string, patch: Partial<WebhookFields>) {
  return db
    .updateTable('webhook_subscriptions')
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.event_types !== undefined ? { event_types: JSON.stringify(patch.event_types) } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      // Enabling again clears the platform's reason for disabling it.
      ...(patch.enabled !== undefined ? { enabled: patch.enabled, disabled_reason: null } : {}),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', scope.tenantId)
    .where('livemode', '=', scope.livemode)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteWebhook(db: Kysely<DB>, scope: Scope, id: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_subscriptions')
    .set({ deleted_at: new Date(), enabled: false })
    .where('tenant_id', '=', scope.tenantId)
    .where('livemode', '=', scope.livemode)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * A new secret; the current one becomes the previous and keeps signing (a second entry in
 * `webhook-signature`) for `graceSec`, so receivers can switch without losing a delivery.
 */
export async function rotateWebhookSecret(db: Kysely<DB>, scope: Scope, id: string, graceSec: number) {
  const row = await findWebhook(db, scope, id, { forUpdate: true });
  if (!row) return undefined;
  return db
    .updateTable('webhook_subscriptions')
    .set({
      secret: newWebhookSecret(),
      previous_secret: graceSec > 0 ? row.secret : null,
      previous_secret_expires_at: graceSec > 0 ? new Date(Date.now() + graceSec * 1000) : null,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Why a subscription URL is refused, or null. Private, loopback and reserved addresses are
 * refused (SSRF) unless `allowPrivate`; a name is resolved now and refused when any address
 * is private. A name that does not resolve yet is accepted: delivery checks again on every
 * connection (net/ssrf-guard.ts), which is what stops DNS rebinding.
 */
export async function webhookUrlProblem(url: string, allowPrivate: boolean): Promise<string | null> {
  if (allowPrivate) return null;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPrivateAddress(host) ? `${host} is a private, loopback or reserved address` : null;
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a loopback name`;
  try {
    const addresses = await lookup(host, { all: true });
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    return bad ? `${host} resolves to ${bad.address}, a private, loopback or reserved address` : null;
  } catch {
    return null;
  }
}
