import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashSecret, modeOfSecret } from '../../accounts/api-keys.js';
import type { KeyIdentity } from '../../accounts/key-cache.js';
import { hasScope } from '../../accounts/scopes.js';
import type { Tenant } from '../../db/schema.js';
import { HttpError } from '../../errors.js';
import type { ApiContext, RouteGuard } from '../context.js';

/** `last_used_at` is written at most this often per key and process: one write, not one per request. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export interface AuthOptions {
  ctx: ApiContext;
}

/**
 * Authenticates every request whose route asks for it (all of `/v1` unless a route says
 * `auth: 'none'`). Keys are looked up by their hash through the key cache (see
 * accounts/key-cache.ts for why a revocation still holds on the next request).
 */
export function authMiddleware({ ctx }: AuthOptions) {
  const lastUsedWritten = new Map<string, number>();

  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    request.auth = undefined;
    const guard = guardOf(request);
    if (guard.auth === 'none') return;

    const token = bearerToken(request);
    if (guard.auth === 'admin' || (guard.auth === 'key_or_admin' && token && !modeOfSecret(token))) {
      request.auth = checkAdmin(ctx, token);
      return;
    }
    if (!token) {
      throw new HttpError(
        401,
        'missing_api_key',
        'Send your API key as "Authorization: Bearer sk_test_…" or "sk_live_…".',
      );
    }
    const mode = modeOfSecret(token);
    if (!mode) {
      throw new HttpError(
        401,
        'invalid_api_key',
        'That is not a CallingScout API key: keys start with sk_test_ or sk_live_.',
      );
    }
    const identity = await lookUp(ctx, hashSecret(token));
    if (!identity) throw new HttpError(401, 'invalid_api_key', 'This API key is unknown or has been revoked.');
    if (identity.tenant.disabled) {
      throw new HttpError(
        403,
        'tenant_disabled',
        'This account is disabled. Contact the operator of this CallingScout server.',
      );
    }
    if (guard.scope && !hasScope(identity.scopes, guard.scope)) {
      throw new HttpError(
        403,
        'insufficient_scope',
        `This API key lacks the scope '${guard.scope}' that this request needs.`,
        {
          extra: { required_scope: guard.scope },
        },
      );
    }
    request.auth = { kind: 'key', ...identity };
    noteKeyUsed(ctx, lastUsedWritten, identity.keyId, request);
  };
}

/** The key's identity from the cache, or from the database (then cached). */
async function lookUp(ctx: ApiContext, keyHash: string): Promise<KeyIdentity | undefined> {
  const cached = ctx.keyCache.get(keyHash);
  if (cached) return cached;
  const row = await ctx.db.kysely
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .selectAll('tenants')
    .select(['api_keys.id as key_id', 'api_keys.mode as key_mode', 'api_keys.scopes as key_scopes'])
    .where('api_keys.key_hash', '=', keyHash)
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const { key_id, key_mode, key_scopes, ...tenant } = row;
  const identity: KeyIdentity = { keyId: key_id, mode: key_mode, scopes: key_scopes, tenant: tenant as Tenant };
  ctx.keyCache.set(keyHash, identity);
  return identity;
}

export function guardOf(request: FastifyRequest): RouteGuard {
  const config = request.routeOptions.config as RouteGuard;
  if (config.auth) return config;
  // Routes outside /v1 (docs, metrics) are public; every /v1 route is closed unless it says so.
  const url = request.routeOptions.url ?? '';
  return url.startsWith('/v1/') ? { ...config, auth: 'key' } : { ...config, auth: 'none' };
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new HttpError(401, 'invalid_authorization', 'The Authorization header must be "Bearer <key>".');
  }
  return match[1];
}

function checkAdmin(ctx: ApiContext, token: string | undefined): { kind: 'admin' } {
  const expected = ctx.settings.current.ADMIN_TOKEN;
  if (!expected) {
    throw new HttpError(
      403,
      'admin_api_disabled',
      'The admin API is disabled on this server: the operator sets ADMIN_TOKEN to enable it.',
    );
  }
  if (!token)
    throw new HttpError(401, 'missing_admin_token', 'Send the admin token as "Authorization: Bearer <ADMIN_TOKEN>".');
  if (!adminTokenMatches(expected, token)) throw new HttpError(401, 'invalid_admin_token', 'The admin token is wrong.');
  return { kind: 'admin' };
}

/** Constant-time comparison (of digests, so lengths never leak either). */
export function adminTokenMatches(expected: string | undefined, token: string | undefined): boolean {
  if (!expected || !token) return false;
  return timingSafeEqual(Buffer.from(hashSecret(token)), Buffer.from(hashSecret(expected)));
}

function noteKeyUsed(ctx: ApiContext, written: Map<string, number>, keyId: string, request: FastifyRequest): void {
  const now = ctx.now();
  const last = written.get(keyId);
  if (last !== undefined && now - last < LAST_USED_WRITE_INTERVAL_MS) return;
  written.set(keyId, now);
  if (written.size > 10_000) written.clear();
  ctx.db.kysely
    .updateTable('api_keys')
    .set({ last_used_at: new Date(now) })
    .where('id', '=', keyId)
    .execute()
    .catch((err: unknown) => request.log.warn({ err }, 'could not record last_used_at'));
}
