import { describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, TEST_ADMIN_TOKEN } from '../../testing/platform.js';

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl && process.env.TEST_REQUIRE_SERVICES === '1') {
  throw new Error('TEST_REQUIRE_SERVICES=1 but TEST_REDIS_URL is not set: the Redis rate-limit suite cannot run.');
}
const stores = redisUrl ? (['memory', 'redis'] as const) : (['memory'] as const);
const backend = testBackends().at(-1) ?? 'pglite';

describe.each(stores)('rate limits through the API, %s store', (store) => {
  it('sets X-RateLimit-* on every response, refuses with 429 and Retry-After, per tenant, mode and class', async () => {
    const t = await startTestPlatform(backend, {
      CALLINGSCOUT_RATE_LIMITS: 'default=3,dial=1',
      ...(store === 'redis' ? { REDIS_URL: redisUrl } : {}),
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await t.request({ method: 'GET', url: '/v1/agents', key: t.liveKey });
        statuses.push(res.statusCode);
        expect(res.headers['x-ratelimit-limit']).toBe('3');
        expect(Number(res.headers['x-ratelimit-remaining'])).toBe(Math.max(0, 2 - i));
        expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
        if (res.statusCode === 429) {
          expect(res.json()).toMatchObject({ code: 'rate_limited', retry_after: 20 });
          expect(res.headers['retry-after']).toBe('20');
        }
      }
      expect(statuses).toEqual([200, 200, 200, 429]);

      // Test mode has its own bucket, 100× larger.
      const test = await t.request({ method: 'GET', url: '/v1/agents', key: t.testKey });
      expect(test.statusCode).toBe(200);
      expect(test.headers['x-ratelimit-limit']).toBe('300');

      // Another tenant is not affected; a per-tenant override from the admin API applies at once.
      const other = await t.createTenant();
      expect((await t.request({ method: 'GET', url: '/v1/agents', key: other.liveKey })).statusCode).toBe(200);
      await t.request({
        method: 'PATCH',
        url: `/v1/admin/tenants/${other.tenantId}`,
        key: TEST_ADMIN_TOKEN,
        payload: { rate_limits: { default: 50 } },
      });
      const raised = await t.request({ method: 'GET', url: '/v1/agents', key: other.liveKey });
      expect(raised.headers['x-ratelimit-limit']).toBe('50');
    } finally {
      await t.close();
    }
  });
});

describe.runIf(redisUrl)('rate limits across processes', () => {
  it('shares buckets between two processes through Redis', async () => {
    const a = await startTestPlatform(backend, { CALLINGSCOUT_RATE_LIMITS: 'default=4', REDIS_URL: redisUrl });
    try {
      // A second API process on the same database and Redis: same tenant, same bucket.
      const { startPlatform } = await import('../../platform.js');
      const b = await startPlatform({ db: a.platform.db, settings: { ...a.platform.settings.current } });
      try {
        const seen: number[] = [];
        for (let i = 0; i < 3; i++) {
          seen.push((await a.request({ method: 'GET', url: '/v1/me', key: a.liveKey })).statusCode);
          seen.push(
            (await b.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${a.liveKey}` } }))
              .statusCode,
          );
        }
        expect(seen).toEqual([200, 200, 200, 200, 429, 429]);
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
  });
});
