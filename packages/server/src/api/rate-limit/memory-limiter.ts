import { assertPerMinute, type RateDecision, type RateLimiter, toDecision } from './limiter.js';

export interface MemoryRateLimiterOptions {
  /** The clock, in milliseconds. Default `Date.now`; tests inject a virtual one. */
  now?: () => number;
  /** How many buckets the Map may hold before a take prunes it. Default 100 000. */
  maxBuckets?: number;
}

interface Bucket {
  /** Tokens in the bucket at `at` (fractional). */
  tokens: number;
  /** When `tokens` was computed, ms on the limiter's clock. */
  at: number;
  /** The size given at the last take; decides when the bucket is full again. */
  perMinute: number;
}

/** A bucket refills from empty to full in one minute, whatever its size. */
const REFILL_MS = 60_000;
const DEFAULT_MAX_BUCKETS = 100_000;
/** After an overflow, evict busy buckets down to this share of `maxBuckets` (see the class). */
const LOW_WATER = 0.9;

/**
 * Token buckets in a Map, for a single process (no `REDIS_URL`). The steady state allocates only
 * the decision: a bucket is one mutable record updated in place.
 *
 * Memory stays bounded without timers (a timer would keep the process alive): an empty bucket is
 * full again 60 s after its last take, and a full bucket is the same as no bucket (a new one
 * starts full), so `take` drops full buckets once a minute, and sooner when the Map passes
 * `maxBuckets`. If an overflow sweep leaves more than 90 % of the bound (over 90 000 tenant ×
 * mode × class buckets busy in the same minute), the oldest-created busy buckets go too, down to
 * 90 %: those tenants get a fresh, full bucket, which errs towards serving them. The 10 %
 * headroom means an overflow sweep, O(n), runs at most once per 10 000 new buckets.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  readonly #maxBuckets: number;
  #lastSweep: number;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxBuckets = options.maxBuckets ?? DEFAULT_MAX_BUCKETS;
    if (!(this.#maxBuckets >= 1)) throw new RangeError(`maxBuckets must be ≥ 1, got ${this.#maxBuckets}`);
    this.#lastSweep = this.#now();
  }

  /** How many buckets are held (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }

  async take(bucket: string, perMinute: number): Promise<RateDecision> {
    assertPerMinute(perMinute);
    const now = this.#now();
    let b = this.#buckets.get(bucket);
    if (b === undefined) {
      b = { tokens: perMinute, at: now, perMinute };
      this.#buckets.set(bucket, b);
    } else {
      // Multiply before dividing so whole-millisecond refills of whole tokens are exact
      // (6000 ms × 10 / 60000 = 1, where 6000 × (10 / 60000) = 0.9999…).
      const elapsed = Math.max(0, now - b.at);
      b.tokens = Math.min(perMinute, b.tokens + (elapsed * perMinute) / REFILL_MS);
      b.at = now;
      b.perMinute = perMinute;
    }
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    // After the take, so a bucket created by this call is no longer full and survives the sweep.
    if (this.#buckets.size > this.#maxBuckets) this.#prune(now, true);
    else if (now - this.#lastSweep >= REFILL_MS) this.#prune(now, false);
    return toDecision(allowed, b.tokens, perMinute);
  }

  async close(): Promise<void> {
    this.#buckets.clear();
  }

  /** Drops full buckets; on overflow, then the oldest-created busy ones down to the low water. */
  #prune(now: number, overflowing: boolean): void {
    this.#lastSweep = now;
    for (const [name, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) * b.perMinute) / REFILL_MS >= b.perMinute) this.#buckets.delete(name);
    }
    if (!overflowing) return;
    let excess = this.#buckets.size - Math.max(1, Math.floor(this.#maxBuckets * LOW_WATER));
    // Map iterates in insertion order, so the first keys are the oldest-created buckets and the
    // one this take created is last.
    for (const name of this.#buckets.keys()) {
      if (excess-- <= 0) break;
      this.#buckets.delete(name);
    }
  }
}
