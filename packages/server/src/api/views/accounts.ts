import type { NewApiKey } from '../../accounts/api-keys.js';
import { ENDPOINT_CLASSES, type RateLimitTable } from '../../config.js';
import type { ApiKeyRow, Mode, Tenant } from '../../db/schema.js';
import { resolveLimit } from '../rate-limit/limits.js';

/** API views of accounts and keys. Secrets appear only in `renderNewKey`, once. */

/** A tenant as its own key sees it (`mode` given: limits of that mode, `livemode`), or as the admin does (live limits). */
export function renderTenant(tenant: Tenant, options: { mode?: Mode; operatorLimits: RateLimitTable }) {
  const mode = options.mode ?? 'live';
  return {
    id: tenant.id,
    object: 'tenant' as const,
    name: tenant.name,
    email: tenant.email,
    plan: tenant.plan,
    currency: tenant.currency,
    balance: tenant.balance,
    disabled: tenant.disabled,
    ...(options.mode ? { livemode: options.mode === 'live' } : {}),
    limits: {
      concurrent_calls: tenant.concurrent_calls_limit,
      rate_limits_per_minute: Object.fromEntries(
        ENDPOINT_CLASSES.map((cls) => [
          cls,
          resolveLimit({ mode, cls, operator: options.operatorLimits, tenant: tenant.rate_limits as RateLimitTable }),
        ]),
      ),
    },
    rate_limit_overrides: tenant.rate_limits,
    settings: tenant.settings,
    created_at: new Date(tenant.created_at).toISOString(),
  };
}

export function renderKey(
  row: Pick<ApiKeyRow, 'id' | 'name' | 'mode' | 'prefix' | 'scopes' | 'last_used_at' | 'revoked_at' | 'created_at'>,
) {
  return {
    id: row.id,
    object: 'api_key' as const,
    name: row.name,
    mode: row.mode,
    livemode: row.mode === 'live',
    prefix: row.prefix,
    scopes: row.scopes,
    last_used_at: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
    revoked_at: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
    created_at: new Date(row.created_at).toISOString(),
  };
}

export function renderNewKey(key: NewApiKey) {
  return {
    ...renderKey({ ...key, last_used_at: null, revoked_at: null }),
    secret: key.secret,
  };
}
