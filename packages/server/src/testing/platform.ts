import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { parseSettings } from '../config.js';
import { type Platform, startPlatform } from '../platform.js';
import { type Backend, createTestDatabase } from './db.js';

export const TEST_ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

export interface TestPlatform {
  platform: Platform;
  /** The bootstrap tenant's id and keys. */
  tenantId: string;
  testKey: string;
  liveKey: string;
  /** In-process request through the whole middleware chain. `key` sets the bearer token. */
  request(options: InjectOptions & { key?: string }): Promise<LightMyRequestResponse>;
  /** A second tenant with its own keys (for isolation tests), created through the admin API. */
  createTenant(name?: string): Promise<{ tenantId: string; testKey: string; liveKey: string }>;
  close(): Promise<void>;
}

/**
 * A whole platform on a fresh database of `backend`, with an admin token and silent logs.
 * `settings` may override any setting by its environment name.
 */
export async function startTestPlatform(
  backend: Backend,
  settings: Record<string, unknown> = {},
): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-test-'));
  const testDb = await createTestDatabase(backend, { migrated: false });
  const platform = await startPlatform({
    db: testDb.db,
    settings: parseSettings(
      { CALLINGSCOUT_DATA_DIR: dataDir, ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: 'silent', ...settings },
      'test settings',
    ),
  });
  const boot = platform.bootstrap;
  if (!boot) throw new Error('expected a bootstrap tenant on a fresh database');

  const request: TestPlatform['request'] = ({ key, headers, ...rest }) =>
    platform.app.inject({
      ...rest,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    });

  return {
    platform,
    tenantId: boot.tenant.id,
    testKey: boot.keys.test.secret,
    liveKey: boot.keys.live.secret,
    request,
    async createTenant(name = 'Other tenant') {
      const res = await request({
        method: 'POST',
        url: '/v1/admin/tenants',
        key: TEST_ADMIN_TOKEN,
        payload: { name, email: 'ops@example.com' },
      });
      if (res.statusCode !== 201) throw new Error(`tenant creation failed: ${res.statusCode} ${res.body}`);
      const body = res.json();
      return { tenantId: body.tenant.id, testKey: body.keys.test.secret, liveKey: body.keys.live.secret };
    },
    async close() {
      await platform.close();
      await testDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
