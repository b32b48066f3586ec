import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { HttpError } from '../../errors.js';
import type { ApiContext } from '../context.js';
import { guardOf } from './auth.js';

/** How long a stored response is replayed (the contract says 24 h). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A record still in flight after this long belongs to a process that died; a retry may take it over. */
const STALE_LOCK_MS = 5 * 60 * 1000;
/** How long a duplicate waits for the first request to finish before answering 409. */
const WAIT_FOR_FIRST_MS = 10_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export interface IdempotencyOptions {
  ctx: ApiContext;
}

/**
 * Idempotency-Key on POST/PATCH/PUT/DELETE. Runs after validation (a request that fails the
 * schema stores nothing, as Stripe does). The record is claimed with one INSERT … ON CONFLICT DO
 * NOTHING, so of two identical requests in flight exactly one runs the handler, in any number of
 * processes; the other waits for the stored response. 5xx responses are not stored, so a retry
 * after our failure runs again.
 */
export function idempotencyMiddleware({ ctx }: IdempotencyOptions) {
  const db = ctx.db.kysely;

  async function claim(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    request.idempotencyRecord = undefined;
    const raw = request.headers['idempotency-key'];
    if (raw === undefined || !MUTATING.has(request.method)) return;
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!key || !KEY_PATTERN.test(key)) {
      throw new HttpError(
        400,
        'invalid_idempotency_key',
        'Idempotency-Key must be 1 to 255 printable ASCII characters.',
      );
    }
    const auth = request.auth;
    if (!auth || guardOf(request).idempotent === false) return;
    const scope = auth.kind === 'key' ? auth.tenant.id : 'admin';
    const mode = auth.kind === 'key' ? auth.mode : 'admin';
    const path = request.url.split('?')[0] ?? request.url;
    const hash = requestHash(request.method, request.url, request.body);
    const record = { scope, mode, key };

    const deadline = ctx.now() + WAIT_FOR_FIRST_MS;
    for (let wait = 20; ; wait = Math.min(wait * 2, 200)) {
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({ scope, mode, key, method: request.method, path, request_hash: hash })
        .onConflict((oc) => oc.doNothing())
        .returning('key')
        .executeTakeFirst();
      if (inserted) {
        request.idempotencyRecord = record;
        return;
      }
      const existing = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('scope', '=', scope)
        .where('mode', '=', mode)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!existing) continue; // deleted between our two statements: claim again
      const age = ctx.now() - new Date(existing.created_at).getTime();
      if (age > IDEMPOTENCY_TTL_MS) {
        await deleteRecord(record, existing.created_at);
        continue;
      }
      if (existing.request_hash !== hash) {
        throw new HttpError(
          409,
          'idempotency_key_reuse',
          `Idempotency-Key '${key}' was already used with a different request (${existing.method} ${existing.path}); use a new key for a new request.`,
        );
      }
      if (existing.response_status !== null) {
        reply
          .code(existing.response_status)
          .header('X-Idempotent-Replay', 'true')
          .type(existing.response_type ?? 'application/json; charset=utf-8');
        return reply.send(existing.response_body ?? '');
      }
      if (ctx.now() - new Date(existing.locked_at).getTime() > STALE_LOCK_MS) {
        const taken = await db
          .updateTable('idempotency_keys')
          .set({ locked_at: new Date(ctx.now()) })
          .where('scope', '=', scope)
          .where('mode', '=', mode)
          .where('key', '=', key)
          .where('response_status', 'is', null)
          .where('locked_at', '=', existing.locked_at)
          .returning('key')
          .executeTakeFirst();
        if (taken) {
          request.idempotencyRecord = record;
          return;
        }
        continue;
      }
      if (ctx.now() + wait > deadline) {
        throw new HttpError(
          409,
          'idempotency_in_progress',
          `A request with Idempotency-Key '${key}' is still being processed; retry shortly to get its result.`,
          { headers: { 'Retry-After': '1' } },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  async function deleteRecord(record: { scope: string; mode: string; key: string }, createdAt?: Date): Promise<void> {
    let q = db
      .deleteFrom('idempotency_keys')
      .where('scope', '=', record.scope)
      .where('mode', '=', record.mode)
      .where('key', '=', record.key);
    if (createdAt) q = q.where('created_at', '=', createdAt);
    await q.execute();
  }

  /** onSend: store what the owner of a record answers (or free the key after a 5xx). */
  async function store(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const record = request.idempotencyRecord;
    if (!record) return payload;
    request.idempotencyRecord = undefined;
    const status = reply.statusCode;
    if (status >= 500 || (typeof payload !== 'string' && payload !== null && payload !== undefined)) {
      await deleteRecord(record);
      return payload;
    }
    await db
      .updateTable('idempotency_keys')
      .set({
        response_status: status,
        response_body: (payload as string | null | undefined) ?? '',
        response_type: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'),
      })
      .where('scope', '=', record.scope)
      .where('mode', '=', record.mode)
      .where('key', '=', record.key)
      .execute();
    return payload;
  }

  /** Deletes records older than the replay window; returns how many. */
  async function prune(): Promise<number> {
    const result = await db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', sql<Date>`now() - interval '24 hours'`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  return { claim, store, prune };
}

/** The request's identity: method, path with query, and the body as canonical JSON (key order ignored). */
export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n`)
    .update(canonicalJson(body) ?? '')
    .digest('hex');
}

function canonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}
