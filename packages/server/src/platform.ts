import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { bootstrapDefaultTenant } from './accounts/bootstrap.js';
import { KeyCache } from './accounts/key-cache.js';
import type { NewTenant } from './accounts/tenants.js';
import { buildApp } from './api/app.js';
import type { ApiContext, App } from './api/context.js';
import { createMetrics } from './api/metrics.js';
import type { RateLimiter } from './api/rate-limit/limiter.js';
import { MemoryRateLimiter } from './api/rate-limit/memory-limiter.js';
import { RedisRateLimiter } from './api/rate-limit/redis-limiter.js';
import type { Settings } from './config.js';
import { type Database, openDatabase } from './db/connection.js';
import { migrate, withStartupLock } from './db/migrate.js';
import { createEventServices, type EventServices } from './events/services.js';
import { createLogger } from './logger.js';
import { defaultProviderRegistry } from './providers/registry.js';
import { RuntimeSettings } from './runtime-settings.js';

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface PlatformOptions {
  settings: Settings;
  logger?: Logger;
  /** An already open database (tests); otherwise opened from the settings and closed with the platform. */
  db?: Database;
  now?: () => number;
}

export interface Platform {
  app: App;
  db: Database;
  settings: RuntimeSettings;
  /** Event bus, live control and job runner (the calls subsystem emits and registers through it). */
  events: EventServices;
  /** The default tenant and its keys when this start created them (empty database). */
  bootstrap: NewTenant | undefined;
  /** Starts listening on HOST:PORT; resolves to the address. */
  listen(): Promise<string>;
  /** Stops taking requests, lets those in flight finish, and releases everything. */
  close(): Promise<void>;
}

/**
 * Assembles one process: database (migrated under the start-up lock), settings, rate limiter,
 * HTTP API. Everything is created here and handed down; nothing lives in module state.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const base = options.settings;
  const logger = options.logger ?? createLogger(base.LOG_LEVEL);
  const now = options.now ?? Date.now;
  const ownsDb = !options.db;
  const db =
    options.db ??
    (await openDatabase({
      url: base.DATABASE_URL,
      dataDir: base.CALLINGSCOUT_DATA_DIR,
      poolSize: base.DATABASE_POOL_SIZE,
    }));

  let redis: Redis | undefined;
  let events: EventServices | undefined;
  try {
    const bootstrap = await withStartupLock(db, async (conn) => {
      const applied = await migrate(conn);
      if (applied.length) logger.info({ applied }, 'database migrations applied');
      return base.CALLINGSCOUT_BOOTSTRAP ? bootstrapDefaultTenant(conn, base.CALLINGSCOUT_DATA_DIR) : undefined;
    });

    const settings = new RuntimeSettings(base, db);
    await settings.start();
    settings.onChange((s) => {
      logger.level = s.LOG_LEVEL;
    });

    let limiter: RateLimiter;
    if (base.REDIS_URL) {
      // A Redis that stops answering must cost a request 500 ms (then 503), not ioredis's ~10 s of retries.
      redis = new Redis(base.REDIS_URL, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        lazyConnect: true,
        commandTimeout: 500,
      });
      redis.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));
      await redis.connect();
      limiter = new RedisRateLimiter({ redis });
    } else {
      limiter = new MemoryRateLimiter({ now });
    }

    const keyCache = new KeyCache({ db, now });
    await keyCache.start();

    events = createEventServices({ db, settings, logger, now, runJobs: base.CALLINGSCOUT_ROLE !== 'api' });
    await events.start();

    const ctx: ApiContext = {
      db,
      settings,
      limiter,
      keyCache,
      metrics: createMetrics(),
      providers: defaultProviderRegistry(),
      logger,
      now,
      startedAt: new Date(now()),
      events,
    };
    const { app, pruneIdempotency } = await buildApp(ctx);
    const pruneTimer = setInterval(() => {
      pruneIdempotency().catch((err: unknown) => logger.warn({ err }, 'idempotency prune failed'));
    }, PRUNE_INTERVAL_MS);
    pruneTimer.unref();

    let closed = false;
    return {
      app,
      db,
      settings,
      events,
      bootstrap,
      async listen() {
        return app.listen({ host: base.HOST, port: base.PORT });
      },
      async close() {
        if (closed) return;
        closed = true;
        clearInterval(pruneTimer);
        await app.close();
        await events?.stop({ graceMs: base.CALLINGSCOUT_SHUTDOWN_GRACE_SEC * 1000 });
        await limiter.close();
        await redis?.quit().catch(() => {});
        if (ownsDb) await db.close();
      },
    };
  } catch (err) {
    await events?.stop({ graceMs: 0 }).catch(() => {});
    redis?.disconnect();
    if (ownsDb) await db.close().catch(() => {});
    throw err;
  }
}
