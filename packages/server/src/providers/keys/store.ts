import { type Kysely, sql } from 'kysely';
import { toIso } from '../../db/iso-time.js';
import type { DB } from '../../db/schema.js';
import type { SecretBox } from './secret-box.js';

/**
 * Tenants' own provider keys (bring your own key) in the database, sealed with a `SecretBox`.
 * Every query is scoped by tenant. The plaintext leaves this file only through
 * `tenantProviderKeys`, for the provider registry of a call; the API sees `renderProviderKey`.
 */

/** The vendors a tenant may bring a key for: the provider ids of spec/api.md that need one. */
export const BYOK_PROVIDERS = ['openai', 'deepgram', 'elevenlabs'] as const;
export type ByokProvider = (typeof BYOK_PROVIDERS)[number];

/** What the API shows for a secret (as `GET /v1/config` does). */
export const MASK = '****' as const;

export interface ProviderKeyView {
  provider: string;
  hint: string;
  created_at: Date | string;
  updated_at: Date | string;
}

/** The API object: the key itself is never in it. */
export function renderProviderKey(row: ProviderKeyView) {
  return {
    object: 'provider_key' as const,
    provider: row.provider,
    api_key: MASK,
    hint: row.hint,
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
  };
}

/** `…abcd`: enough to tell two keys apart; nothing for a key too short to spare 4 characters. */
function hintOf(apiKey: string): string {
  return apiKey.length >= 16 ? `…${apiKey.slice(-4)}` : '';
}

const associated = (tenantId: string, provider: string) => `${tenantId}:${provider}`;

/** Stores (or replaces) the tenant's key for `provider`; returns the row as the API shows it. */
export async function putProviderKey(
  db: Kysely<DB>,
  box: SecretBox,
  input: { tenantId: string; provider: ByokProvider; apiKey: string },
): Promise<ProviderKeyView & { replaced: boolean }> {
  const sealed = box.seal(input.apiKey, associated(input.tenantId, input.provider));
  const row = await db
    .insertInto('provider_keys')
    .values({ tenant_id: input.tenantId, provider: input.provider, sealed_key: sealed, hint: hintOf(input.apiKey) })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'provider']).doUpdateSet((eb) => ({
        sealed_key: eb.ref('excluded.sealed_key'),
        hint: eb.ref('excluded.hint'),
        updated_at: sql`now()`,
      })),
    )
    // A row updated rather than inserted has created_at before this statement's now().
    .returning(['provider', 'hint', 'created_at', 'updated_at', sql<boolean>`created_at < now()`.as('replaced')])
    .executeTakeFirstOrThrow();
  return row;
}

export function findProviderKey(db: Kysely<DB>, tenantId: string, provider: string) {
  return db
    .selectFrom('provider_keys')
    .select(['provider', 'hint', 'created_at', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .where('provider', '=', provider)
    .executeTakeFirst();
}

/** True when there was a key to delete. */
export async function deleteProviderKey(db: Kysely<DB>, tenantId: string, provider: string): Promise<boolean> {
  const result = await db
    .deleteFrom('provider_keys')
    .where('tenant_id', '=', tenantId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The tenant's keys for the list (paged by provider name, which is the key of a tenant's row). */
export function providerKeysQuery(db: Kysely<DB>, tenantId: string) {
  return db
    .selectFrom('provider_keys')
    .select(['provider as id', 'provider', 'hint', 'created_at', 'updated_at'])
    .where('tenant_id', '=', tenantId);
}

/**
 * The tenant's keys in clear, by provider id, for `ProviderRegistry.create({keys})` when a call
 * starts. A key that no longer opens (the secrets key was changed) is left out and named in
 * `unreadable`, so the call falls back to the operator's key and the operator can be told.
 */
export async function tenantProviderKeys(
  db: Kysely<DB>,
  box: SecretBox,
  tenantId: string,
): Promise<{ keys: Record<string, string>; unreadable: string[] }> {
  const rows = await db
    .selectFrom('provider_keys')
    .select(['provider', 'sealed_key'])
    .where('tenant_id', '=', tenantId)
    .execute();
  const keys: Record<string, string> = {};
  const unreadable: string[] = [];
  for (const row of rows) {
    const key = box.open(row.sealed_key, associated(tenantId, row.provider));
    if (key === null) unreadable.push(row.provider);
    else keys[row.provider] = key;
  }
  return { keys, unreadable };
}
