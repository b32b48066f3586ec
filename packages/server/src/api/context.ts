import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { KeyCache } from '../accounts/key-cache.js';
import type { Scope } from '../accounts/scopes.js';
import type { EndpointClass } from '../config.js';
import type { Database } from '../db/connection.js';
import type { Mode, Tenant } from '../db/schema.js';
import type { EventServices } from '../events/services.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { RuntimeSettings } from '../runtime-settings.js';
import type { Metrics } from './metrics.js';
import type { RateLimiter } from './rate-limit/limiter.js';

/** The Fastify instance with zod types, as every route file receives it. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** The services every route and middleware works with; built once by the platform. */
export interface ApiContext {
  db: Database;
  settings: RuntimeSettings;
  limiter: RateLimiter;
  /** Authenticated keys; call `invalidate` after revoking a key or changing a tenant. */
  keyCache: KeyCache;
  metrics: Metrics;
  providers: ProviderRegistry;
  logger: FastifyBaseLogger;
  /** Milliseconds since the epoch; injected so tests can move time. */
  now: () => number;
  startedAt: Date;
  /** The event bus, live control and the job runner (events/services.ts). */
  events: EventServices;
}

/** Who is calling, set by the auth middleware. */
export type AuthContext =
  | { kind: 'key'; tenant: Tenant; mode: Mode; keyId: string; scopes: string[] }
  | { kind: 'admin' };

/**
 * How a route is guarded. `auth` defaults to `key` for every `/v1` route, so a route that
 * forgets to say is closed, not open.
 */
export interface RouteGuard {
  auth?: 'key' | 'admin' | 'key_or_admin' | 'none';
  /** The scope a key needs (403 naming it when missing). */
  scope?: Scope;
  /** Rate-limit class; `default` when absent. */
  rateClass?: EndpointClass;
  /** Set false on routes where an Idempotency-Key makes no sense or is unsafe to store. */
  idempotent?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | undefined;
    /** Set while this request owns an idempotency record; the response is stored into it. */
    idempotencyRecord: { scope: string; mode: string; key: string } | undefined;
  }
  interface FastifyContextConfig extends RouteGuard {}
}

/** The tenant and mode of a key-authenticated request; throws when the route forgot `auth: 'key'`. */
export function tenantOf(auth: AuthContext | undefined): { tenant: Tenant; mode: Mode } {
  if (auth?.kind !== 'key') throw new Error('route needs key authentication');
  return { tenant: auth.tenant, mode: auth.mode };
}
