import { describe, expect, it } from 'vitest';
import { startPlatform } from '../platform.js';
import { testBackends } from '../testing/db.js';
import { startTestPlatform, TEST_ADMIN_TOKEN } from '../testing/platform.js';

/** Polls until `check` holds, for at most `ms`; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - started;
}

describe.runIf(testBackends().includes('postgres'))('cached keys across two API processes on postgres', () => {
  it('a key revoked or a tenant disabled in one process is refused by the other within milliseconds', async () => {
    const a = await startTestPlatform('postgres');
    // A second API process on the same database, with its own key cache.
    const b = await startPlatform({
      db: a.platform.db,
      settings: { ...a.platform.settings.current, CALLINGSCOUT_BOOTSTRAP: false },
    });
    const viaB = (key: string) =>
      b.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${key}` } });
    try {
      const created = await a.request({
        method: 'POST',
        url: '/v1/auth/api-keys',
        key: a.liveKey,
        payload: { name: 'short-lived' },
      });
      const key = created.json();
      expect((await viaB(key.secret)).statusCode).toBe(200); // now cached in B

      await a.request({ method: 'DELETE', url: `/v1/auth/api-keys/${key.id}`, key: a.liveKey });
      expect((await a.request({ method: 'GET', url: '/v1/me', key: key.secret })).statusCode).toBe(401);
      const revokedAfter = await within(500, async () => (await viaB(key.secret)).statusCode === 401);
      expect(revokedAfter).toBeLessThan(500);

      expect((await viaB(a.testKey)).statusCode).toBe(200);
      await a.request({
        method: 'PATCH',
        url: `/v1/admin/tenants/${a.tenantId}`,
        key: TEST_ADMIN_TOKEN,
        payload: { disabled: true },
      });
      await within(500, async () => (await viaB(a.testKey)).statusCode === 403);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
