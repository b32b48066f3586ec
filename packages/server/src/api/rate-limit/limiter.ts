/**
 * The rate limiter contract: one token bucket per name. Capacity is `perMinute` and the bucket
 * refills continuously at `perMinute / 60` tokens a second, so an empty bucket is full again after
 * 60 s whatever the limit. A new bucket starts full. When `perMinute` changes between takes (an
 * operator changed the limit), the bucket refills at the new rate and is clamped to the new size.
 *
 * Two implementations: `MemoryRateLimiter` (one process) and `RedisRateLimiter` (every node shares
 * the buckets). Both turn their state into a decision with `toDecision`, so the `X-RateLimit-*`
 * headers mean the same thing whichever is configured.
 */

/** What one request's take from a bucket decided. */
export interface RateDecision {
  allowed: boolean;
  /** The bucket's size: requests per minute. */
  limit: number;
  /** Whole requests left in the bucket after this take (floor, ≥ 0). */
  remaining: number;
  /** Whole seconds until the bucket is full again (ceil, ≥ 0). */
  resetSec: number;
  /** When refused: whole seconds until one request would be allowed (ceil, ≥ 1); 0 when allowed. */
  retryAfterSec: number;
}

export interface RateLimiter {
  /** Takes one token from the bucket named `bucket`, whose size and refill are `perMinute` per minute. */
  take(bucket: string, perMinute: number): Promise<RateDecision>;
  close(): Promise<void>;
}

/**
 * Float noise allowance for the ceilings: fractional refills such as 0.1 + 0.2 land a hair above
 * a whole number, and a 1e-9 s error must not turn a 5 s reset into 6 s.
 */
const EPSILON = 1e-9;

/**
 * The decision for a bucket left holding `tokens` (fractional) after a take.
 * A token is worth `60 / perMinute` seconds of refill.
 */
export function toDecision(allowed: boolean, tokens: number, perMinute: number): RateDecision {
  const secondsPerToken = 60 / perMinute;
  return {
    allowed,
    limit: perMinute,
    remaining: Math.max(0, Math.floor(tokens)),
    resetSec: Math.max(0, Math.ceil((perMinute - tokens) * secondsPerToken - EPSILON)),
    retryAfterSec: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) * secondsPerToken - EPSILON)),
  };
}

/** Rejects a limit no bucket can have: 0, negative, NaN or infinite. */
export function assertPerMinute(perMinute: number): void {
  if (!(perMinute > 0 && Number.isFinite(perMinute))) {
    throw new RangeError(`perMinute must be a positive finite number, got ${perMinute}`);
  }
}
