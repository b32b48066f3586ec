import { sql } from 'kysely';
import { z } from 'zod';
import type { ApiContext, App } from '../context.js';
import { commonErrors } from '../schemas.js';

/** How long a database probe result is reused by /v1/health, so the check stays cheap under load. */
const HEALTH_PROBE_TTL_MS = 1_000;

const VERSION = '0.1.0';

export function registerOperationRoutes(app: App, ctx: ApiContext): void {
  const tags = ['Operations'];
  let probe: { at: number; ok: boolean; pending?: Promise<boolean> } = { at: -Infinity, ok: false };

  const databaseOk = async (): Promise<boolean> => {
    const now = ctx.now();
    if (now - probe.at < HEALTH_PROBE_TTL_MS) return probe.ok;
    if (!probe.pending) {
      probe.pending = sql`SELECT 1`
        .execute(ctx.db.kysely)
        .then(() => true)
        .catch(() => false)
        .then((ok) => {
          probe = { at: ctx.now(), ok };
          return ok;
        });
    }
    return probe.pending;
  };

  app.get('/v1/health', {
    config: { auth: 'none' },
    schema: {
      tags,
      summary: 'Liveness and readiness, without authentication',
      response: {
        200: z.object({ status: z.literal('ok'), database: z.literal('ok'), version: z.string() }),
        503: z.object({
          status: z.literal('unavailable'),
          database: z.literal('error'),
          version: z.string(),
          detail: z.string(),
          code: z.string(),
        }),
      },
    },
    handler: async (_request, reply) => {
      if (await databaseOk()) return { status: 'ok' as const, database: 'ok' as const, version: VERSION };
      return reply.code(503).send({
        status: 'unavailable' as const,
        database: 'error' as const,
        version: VERSION,
        detail: 'The database does not answer.',
        code: 'database_unavailable',
      });
    },
  });

  app.get('/v1/status', {
    config: { auth: 'key_or_admin' },
    schema: {
      tags,
      summary: 'Service state: database, role, providers, carriers, load',
      security: [{ bearerAuth: [] }],
      response: { 200: z.object({ status: z.string() }).loose(), ...commonErrors },
    },
    handler: async () => {
      const s = ctx.settings.current;
      const memory = process.memoryUsage();
      return {
        object: 'status',
        status: (await databaseOk()) ? 'ok' : 'degraded',
        version: VERSION,
        role: s.CALLINGSCOUT_ROLE,
        database: { engine: ctx.db.kind, ok: probe.ok },
        rate_limits: { store: s.REDIS_URL ? 'redis' : 'memory' },
        sandbox_clock: s.CALLINGSCOUT_SANDBOX_CLOCK,
        carriers: [{ id: 'sandbox', modes: ['test'], available: true }],
        providers: ctx.providers.list().map((p) => ({ id: p.id, kind: p.kind, offline: p.offline })),
        load: {
          uptime_sec: Math.round((ctx.now() - ctx.startedAt.getTime()) / 1000),
          rss_bytes: memory.rss,
          heap_used_bytes: memory.heapUsed,
          active_calls: 0,
        },
      };
    },
  });

  app.get('/metrics', {
    config: { auth: 'none' },
    schema: { hide: true },
    handler: async (_request, reply) => {
      reply.type(ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    },
  });
}
