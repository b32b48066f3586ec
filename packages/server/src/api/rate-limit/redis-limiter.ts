import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PlatformError } from '../../errors.js';
import { assertPerMinute, type RateDecision, type RateLimiter, toDecision } from './limiter.js';

/** Redis could not answer a take; the HTTP layer answers 503 rather than guess. */
export class RateLimiterUnavailableError extends PlatformError {
  override name = 'RateLimiterUnavailableError';
}

export interface RedisRateLimiterOptions {
  /** A connected client. The limiter borrows it: `close()` leaves it open for its owner. */
  redis: Redis;
  /** Prepended to every bucket name to form its key. Default `cs:rl:`. */
  keyPrefix?: string;
}

/**
 * One take, atomically: refill by the time elapsed, clamp to the (possibly new) size, take a
 * token if there is a whole one, store, and expire the key when the bucket would be full again.
 *
 * Time is the Redis server's (`TIME`), so every node agrees however their clocks drift; since
 * Redis 5 scripts replicate as effects, so reading `TIME` before writing is allowed. A bucket is
 * full again at most 60 s after its last take, and a full bucket is the same as a missing one, so
 * the PEXPIRE of (time to full + 1 s) loses nothing and bounds idle keys to ~61 s.
 *
 * Tokens are returned as a string: Redis truncates Lua numbers in replies to integers.
 * KEYS[1] the bucket's hash; ARGV[1] its size per minute. Returns {allowed 0|1, tokens}.
 */
const TAKE_SCRIPT = `
local size = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = size
else
  local elapsed = math.max(0, now - at)
  tokens = math.min(size, tokens + elapsed * size / 60000)
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.3f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((size - tokens) * 60000 / size) + 1000)
return {allowed, string.format('%.17g', tokens)}
`;

const TAKE_SHA = createHash('sha1').update(TAKE_SCRIPT).digest('hex');

/**
 * Replies that mean "this Redis cannot serve right now" rather than "the script is wrong": still
 * loading its dataset, a script timed out, a replica promoted mid-failover, a cluster reshard.
 */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN)\b/;

/**
 * Token buckets in Redis hashes, shared by every node (`REDIS_URL` set). One round trip per take:
 * EVALSHA of the script above, and EVAL once more if the server has not cached it yet (first
 * use, restart, `SCRIPT FLUSH`).
 *
 * While the client is reconnecting a take fails at once instead of waiting in ioredis's offline
 * queue, so a lost Redis costs a 503, not a request held for the ~10 s of default retries.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #keyPrefix: string;

  constructor(options: RedisRateLimiterOptions) {
    this.#redis = options.redis;
    this.#keyPrefix = options.keyPrefix ?? 'cs:rl:';
  }

  async take(bucket: string, perMinute: number): Promise<RateDecision> {
    assertPerMinute(perMinute);
    const status = this.#redis.status;
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      throw new RateLimiterUnavailableError(`Redis is unavailable for rate limiting (connection ${status}).`);
    }
    const key = this.#keyPrefix + bucket;
    let reply: unknown;
    try {
      reply = await this.#redis.evalsha(TAKE_SHA, 1, key, perMinute).catch((error: unknown) => {
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
          return this.#redis.eval(TAKE_SCRIPT, 1, key, perMinute);
        }
        throw error;
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const isReply = error instanceof Error && error.name === 'ReplyError';
      if (isReply && !UNAVAILABLE_REPLY.test(message)) throw error;
      throw new RateLimiterUnavailableError(`Redis is unavailable for rate limiting: ${message}`, {
        cause: error,
      });
    }
    if (!Array.isArray(reply) || reply.length !== 2) {
      throw new PlatformError(`The rate-limit script gave an unexpected reply: ${JSON.stringify(reply)}`);
    }
    return toDecision(reply[0] === 1, Number(reply[1]), perMinute);
  }

  /** Nothing to release: the client belongs to whoever passed it in. */
  async close(): Promise<void> {}
}
