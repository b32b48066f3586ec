import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiterUnavailableError, RedisRateLimiter } from './redis-limiter.js';

const url = process.env.TEST_REDIS_URL;
if (!url && process.env.TEST_REQUIRE_SERVICES === '1') {
  throw new Error('TEST_REQUIRE_SERVICES=1 but TEST_REDIS_URL is not set: redis-limiter tests need a real Redis.');
}

describe.skipIf(!url)('RedisRateLimiter on a real Redis', () => {
  // Two clients stand for two API processes; a random prefix keeps runs on a shared Redis apart.
  const prefix = `cs:rl:test:${randomUUID()}:`;
  let a: Redis;
  let b: Redis;
  let limiterA: RedisRateLimiter;
  let limiterB: RedisRateLimiter;

  beforeAll(async () => {
    a = new Redis(url as string);
    b = new Redis(url as string);
    await Promise.all([a.ping(), b.ping()]);
    limiterA = new RedisRateLimiter({ redis: a, keyPrefix: prefix });
    limiterB = new RedisRateLimiter({ redis: b, keyPrefix: prefix });
  });

  afterAll(async () => {
    if (!a) return;
    const keys: string[] = [];
    for await (const batch of a.scanStream({ match: `${prefix}*`, count: 1000 })) keys.push(...(batch as string[]));
    if (keys.length > 0) await a.del(...keys);
    await Promise.all([limiterA.close(), limiterB.close()]);
    await Promise.all([a.quit(), b.quit()]);
  });

  it('allows until the bucket is empty, then refuses with Retry-After of at least 1 s', async () => {
    const decisions = [];
    for (let i = 0; i < 6; i++) decisions.push(await limiterA.take('exhaust', 5));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    expect(decisions[0]).toMatchObject({ limit: 5, resetSec: 12, retryAfterSec: 0 }); // 60 s / 5 per token
    // Milliseconds have passed since the first take, so slightly under 12 s remain: ceil → 12.
    expect(decisions[5]).toMatchObject({ allowed: false, limit: 5, retryAfterSec: 12, resetSec: 60 });
  });

  it('shares one bucket between two clients, as between two processes', async () => {
    const allowed = [];
    for (let i = 0; i < 4; i++) {
      allowed.push((await limiterA.take('shared', 4)).allowed, (await limiterB.take('shared', 4)).allowed);
    }
    expect(allowed).toEqual([true, true, true, true, false, false, false, false]);
  });

  it('allows exactly the bucket size among 50 concurrent takes', async () => {
    const takes = Array.from({ length: 50 }, (_, i) => (i % 2 ? limiterA : limiterB).take('race', 20));
    const decisions = await Promise.all(takes);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterSec >= 1)).toBe(true);
  });

  it('refills by the Redis-server time elapsed since the last take', async () => {
    for (let i = 0; i < 10; i++) await limiterA.take('refill', 10);
    expect(await limiterA.take('refill', 10)).toMatchObject({ allowed: false });
    // Wind the stored time back 6 s instead of sleeping: 10/min refills one token in 6 s.
    const at = Number(await a.hget(`${prefix}refill`, 'at'));
    await a.hset(`${prefix}refill`, 'at', String(at - 6_000));
    expect(await limiterA.take('refill', 10)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiterA.take('refill', 10)).toMatchObject({ allowed: false });
  });

  it('clamps the bucket to a lowered limit', async () => {
    await limiterA.take('lowered', 60);
    expect(await limiterB.take('lowered', 10)).toMatchObject({ allowed: true, limit: 10, remaining: 9 });
  });

  it('sets an expiry of about the time to refill fully, so idle buckets vanish', async () => {
    await limiterA.take('expiry', 60); // one token short: full again in 1 s
    const oneShort = await a.pttl(`${prefix}expiry`);
    expect(oneShort).toBeGreaterThan(0);
    expect(oneShort).toBeLessThanOrEqual(2_000); // 1 s to full + 1 s margin
    for (let i = 0; i < 59; i++) await limiterA.take('expiry', 60);
    const empty = await a.pttl(`${prefix}expiry`);
    expect(empty).toBeGreaterThan(59_000);
    expect(empty).toBeLessThanOrEqual(61_000);
  });

  it('reloads its script after the server forgot it', async () => {
    await limiterA.take('reload', 5);
    await a.script('FLUSH');
    expect(await limiterA.take('reload', 5)).toMatchObject({ allowed: true, remaining: 3 });
  });

  it('fails with "Redis is unavailable" once its client is closed', async () => {
    const closed = new Redis(url as string);
    await closed.ping();
    await closed.quit();
    const limiter = new RedisRateLimiter({ redis: closed, keyPrefix: prefix });
    await expect(limiter.take('closed', 5)).rejects.toThrow(/Redis is unavailable/);
  });
});

describe('RedisRateLimiter without a Redis', () => {
  it('rejects a take with RateLimiterUnavailableError when nothing listens', async () => {
    // A port that was free a moment ago: bind, read it, release it.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const redis = new Redis({ host: '127.0.0.1', port, retryStrategy: () => null, lazyConnect: true });
    redis.on('error', () => {}); // the refused connection is the point of the test
    const limiter = new RedisRateLimiter({ redis });
    try {
      const take = limiter.take('t1:live:default', 60);
      await expect(take).rejects.toThrow(RateLimiterUnavailableError);
      await expect(take).rejects.toThrow(/Redis is unavailable/);
    } finally {
      redis.disconnect();
    }
  });
});
