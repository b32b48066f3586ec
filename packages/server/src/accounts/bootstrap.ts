import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { createTenantWithKeys, type NewTenant } from './tenants.js';

export const BOOTSTRAP_FILE = 'bootstrap-keys.json';

/**
 * On an empty database, creates the default tenant and its keys, and writes them to
 * `<dataDir>/bootstrap-keys.json` (mode 0600) so a script can pick them up. Runs under the
 * start-up lock, so of several processes starting together exactly one creates it.
 * Returns the new tenant, or undefined when tenants already exist.
 */
export async function bootstrapDefaultTenant(db: Kysely<DB>, dataDir: string): Promise<NewTenant | undefined> {
  const existing = await db.selectFrom('tenants').select('id').limit(1).executeTakeFirst();
  if (existing) return undefined;
  const created = await createTenantWithKeys(db, { name: 'Default' });
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, BOOTSTRAP_FILE);
  const body = {
    tenant_id: created.tenant.id,
    test_key: created.keys.test.secret,
    live_key: created.keys.live.secret,
    created_at: created.tenant.created_at,
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  return created;
}
