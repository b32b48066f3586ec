import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitTable } from '../../config.js';
import { HttpError } from '../../errors.js';
import type { ApiContext } from '../context.js';
import type { RateDecision } from '../rate-limit/limiter.js';
import { bucketName, resolveLimit } from '../rate-limit/limits.js';
import { guardOf } from './auth.js';

/** Unauthenticated routes that create things (sign-up) are limited per client address. */
const ANONYMOUS_PER_MINUTE = 10;

export interface RateLimitOptions {
  ctx: ApiContext;
}

/**
 * Takes one token per request from the tenant's bucket for its mode and endpoint class, and
 * sets `X-RateLimit-*` on the response; 429 with `Retry-After` when the bucket is empty.
 */
export function rateLimitMiddleware({ ctx }: RateLimitOptions) {
  return async function rateLimit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const auth = request.auth;
    const guard = guardOf(request);
    let bucket: string;
    let limit: number;
    if (auth?.kind === 'key') {
      const cls = guard.rateClass ?? 'default';
      limit = resolveLimit({
        mode: auth.mode,
        cls,
        operator: ctx.settings.current.CALLINGSCOUT_RATE_LIMITS,
        tenant: auth.tenant.rate_limits as RateLimitTable,
      });
      bucket = bucketName(auth.tenant.id, auth.mode, cls);
    } else if (!auth && guard.auth === 'none' && request.method === 'POST') {
      limit = ANONYMOUS_PER_MINUTE;
      bucket = `anon:${request.ip}`;
    } else {
      return;
    }

    let decision: RateDecision;
    try {
      decision = await ctx.limiter.take(bucket, limit);
    } catch (err) {
      request.log.error({ err }, 'rate limiter unavailable');
      throw new HttpError(
        503,
        'rate_limiter_unavailable',
        'The rate limiter is unavailable (Redis); try again shortly.',
        {
          headers: { 'Retry-After': '1' },
        },
      );
    }
    reply.header('X-RateLimit-Limit', decision.limit);
    reply.header('X-RateLimit-Remaining', decision.remaining);
    reply.header('X-RateLimit-Reset', decision.resetSec);
    if (!decision.allowed) {
      throw new HttpError(
        429,
        'rate_limited',
        `Rate limit of ${decision.limit} requests per minute reached for this kind of request; retry in ${decision.retryAfterSec} s.`,
        { extra: { retry_after: decision.retryAfterSec }, headers: { 'Retry-After': String(decision.retryAfterSec) } },
      );
    }
  };
}
