import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from './memory-limiter.js';

/** A limiter on a virtual clock that the test moves by hand. */
function setup(options: { maxBuckets?: number } = {}) {
  const clock = { ms: 1_000_000 };
  const limiter = new MemoryRateLimiter({ now: () => clock.ms, ...options });
  return { clock, limiter };
}

async function takeTimes(limiter: MemoryRateLimiter, bucket: string, perMinute: number, times: number) {
  const decisions = [];
  for (let i = 0; i < times; i++) decisions.push(await limiter.take(bucket, perMinute));
  return decisions;
}

describe('MemoryRateLimiter', () => {
  it('starts a new bucket full', async () => {
    const { limiter } = setup();
    expect(await limiter.take('t1:live:dial', 10)).toEqual({
      allowed: true,
      limit: 10,
      remaining: 9,
      resetSec: 6, // one token is worth 60 s / 10 = 6 s of refill
      retryAfterSec: 0,
    });
  });

  it('refuses once the bucket is empty, with Retry-After the time to refill one token', async () => {
    const { limiter } = setup();
    const decisions = await takeTimes(limiter, 'b', 10, 11);
    expect(decisions.slice(0, 10).every((d) => d.allowed)).toBe(true);
    expect(decisions[9]).toMatchObject({ remaining: 0, resetSec: 60 });
    expect(decisions[10]).toEqual({ allowed: false, limit: 10, remaining: 0, resetSec: 60, retryAfterSec: 6 });
  });

  it('rounds Retry-After up to whole seconds and never below 1', async () => {
    const { clock, limiter } = setup();
    await takeTimes(limiter, 'b', 10, 10);
    clock.ms += 5_500; // 0.9166 of a token refilled: 0.5 s to go
    expect(await limiter.take('b', 10)).toMatchObject({ allowed: false, retryAfterSec: 1 });
    clock.ms += 100; // 0.4 s to go
    expect(await limiter.take('b', 10)).toMatchObject({ allowed: false, retryAfterSec: 1 });
  });

  it('refills continuously over time, up to the size and no further', async () => {
    const { clock, limiter } = setup();
    await takeTimes(limiter, 'b', 60, 60);
    clock.ms += 1_000; // 60/min → one token a second
    expect(await limiter.take('b', 60)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.take('b', 60)).toMatchObject({ allowed: false, retryAfterSec: 1 });
    clock.ms += 2_500;
    expect(await limiter.take('b', 60)).toMatchObject({ allowed: true, remaining: 1, resetSec: 59 });
    clock.ms += 10 * 60_000;
    expect(await limiter.take('b', 60)).toMatchObject({ allowed: true, remaining: 59, resetSec: 1 });
  });

  it('reports remaining as whole tokens (floor) and reset as whole seconds to full (ceil)', async () => {
    const { clock, limiter } = setup();
    await takeTimes(limiter, 'b', 10, 5); // 5 tokens left
    clock.ms += 3_000; // + 0.5 token = 5.5, then a take → 4.5
    expect(await limiter.take('b', 10)).toEqual({
      allowed: true,
      limit: 10,
      remaining: 4,
      resetSec: 33, // 5.5 tokens missing × 6 s
      retryAfterSec: 0,
    });
    clock.ms += 1_000; // 4.5 + 1/6 = 4.667, take → 3.667: 6.333 missing × 6 s = 38 s
    expect(await limiter.take('b', 10)).toMatchObject({ remaining: 3, resetSec: 38 });
  });

  it('clamps the bucket to a lowered limit and refills at the new rate', async () => {
    const { clock, limiter } = setup();
    await limiter.take('b', 60); // 59 left of 60
    const lowered = await limiter.take('b', 10);
    expect(lowered).toEqual({ allowed: true, limit: 10, remaining: 9, resetSec: 6, retryAfterSec: 0 });
    await takeTimes(limiter, 'b', 10, 9);
    expect(await limiter.take('b', 10)).toMatchObject({ allowed: false, retryAfterSec: 6 });
    clock.ms += 6_000;
    expect(await limiter.take('b', 10)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('keeps a raised limit from granting tokens that were not refilled', async () => {
    const { limiter } = setup();
    await takeTimes(limiter, 'b', 10, 10);
    expect(await limiter.take('b', 600)).toMatchObject({ allowed: false, limit: 600, retryAfterSec: 1 });
  });

  it('keeps buckets independent', async () => {
    const { limiter } = setup();
    await takeTimes(limiter, 't1:live:dial', 10, 10);
    expect(await limiter.take('t1:live:dial', 10)).toMatchObject({ allowed: false });
    expect(await limiter.take('t2:live:dial', 10)).toMatchObject({ allowed: true, remaining: 9 });
    expect(await limiter.take('t1:test:dial', 10)).toMatchObject({ allowed: true, remaining: 9 });
    expect(await limiter.take('t1:live:default', 10)).toMatchObject({ allowed: true, remaining: 9 });
  });

  it('stays within maxBuckets when many buckets are busy at once', async () => {
    const { limiter } = setup({ maxBuckets: 100 });
    for (let i = 0; i < 10_000; i++) {
      await limiter.take(`t${i}:live:default`, 60);
      expect(limiter.size).toBeLessThanOrEqual(100);
    }
    // The newest bucket survived the overflow sweeps with its take recorded.
    expect(await limiter.take('t9999:live:default', 60)).toMatchObject({ remaining: 58 });
  });

  it('drops idle buckets on overflow before any busy one', async () => {
    const { clock, limiter } = setup({ maxBuckets: 100 });
    await takeTimes(limiter, 'busy', 10, 10);
    for (let i = 0; i < 99; i++) await limiter.take(`idle${i}`, 60);
    clock.ms += 1_000; // the idle ones are full again; 'busy' has 1/6 of a token
    await limiter.take('new', 60);
    expect(limiter.size).toBe(2);
    expect(await limiter.take('busy', 10)).toMatchObject({ allowed: false });
  });

  it('sweeps buckets that are full again once a minute, without an overflow', async () => {
    const { clock, limiter } = setup();
    for (let i = 0; i < 1_000; i++) await limiter.take(`b${i}`, 60);
    expect(limiter.size).toBe(1_000);
    clock.ms += 60_000;
    await limiter.take('other', 60);
    expect(limiter.size).toBe(1);
  });

  it('rejects a limit that no bucket can have', async () => {
    const { limiter } = setup();
    await expect(limiter.take('b', 0)).rejects.toThrow(RangeError);
    await expect(limiter.take('b', Number.NaN)).rejects.toThrow(RangeError);
  });
});
