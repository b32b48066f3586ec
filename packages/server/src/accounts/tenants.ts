import type { Kysely } from 'kysely';
import type { DB, Tenant } from '../db/schema.js';
import { newId } from '../ids.js';
import { addStarterSandboxNumber } from '../phone-numbers/store.js';
import { createApiKey, type NewApiKey } from './api-keys.js';

/** Settings every tenant starts with; `PATCH /v1/me` changes them. */
export const DEFAULT_TENANT_SETTINGS = {
  default_region: 'US',
  timezone: 'UTC',
  sandbox_use_real_providers: false,
} as const;

export interface NewTenant {
  tenant: Tenant;
  keys: { test: NewApiKey; live: NewApiKey };
}

/** Creates a tenant with one test and one live key and its test-mode sandbox number, in one transaction. */
export async function createTenantWithKeys(
  db: Kysely<DB>,
  options: { name: string; email?: string | null },
): Promise<NewTenant> {
  return db.transaction().execute(async (trx) => {
    const tenant = await trx
      .insertInto('tenants')
      .values({
        id: newId('ten'),
        name: options.name,
        email: options.email ?? null,
        rate_limits: '{}',
        settings: JSON.stringify(DEFAULT_TENANT_SETTINGS),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const test = await createApiKey(trx, { tenantId: tenant.id, mode: 'test', name: 'Default test key' });
    const live = await createApiKey(trx, { tenantId: tenant.id, mode: 'live', name: 'Default live key' });
    // Every tenant has one sandbox number in test mode from the start (api.md, "Phone numbers").
    await addStarterSandboxNumber(trx, tenant.id);
    return { tenant, keys: { test, live } };
  });
}
