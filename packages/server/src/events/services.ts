import type { Logger } from 'pino';
import type { Database } from '../db/connection.js';
import { JobRunner, type QueueDefinition } from '../jobs/runner.js';
import { addJobs } from '../jobs/sql/add-jobs.js';
import type { RuntimeSettings } from '../runtime-settings.js';
import { EventBus } from './bus.js';
import { CallControlBus } from './control.js';
import { WebhookSender } from './delivery/send.js';
import { deliveryQueue } from './delivery/worker.js';
import { WEBHOOK_QUEUE } from './outbox.js';
import { PRUNE_QUEUE, pruneQueue } from './prune.js';

/** What the platform holds of the event system; routes reach it as `ctx.events`. */
export interface EventServices {
  /** Live fan-out to streams (SSE, WebSocket). */
  bus: EventBus;
  /** Live-control routing to the worker that owns a call. */
  control: CallControlBus;
  /** The durable job runner; other subsystems add their queues with `queues` at creation. */
  runner: JobRunner;
  start(): Promise<void>;
  /** Stops claiming, lets deliveries in flight finish for `graceMs`, releases the rest. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

export interface EventServicesOptions {
  db: Database;
  settings: RuntimeSettings;
  logger: Logger;
  now: () => number;
  /** Queues of other subsystems (the calls dispatcher) run by the same runner. */
  queues?: Record<string, QueueDefinition>;
  /** Whether this process runs jobs (CALLINGSCOUT_ROLE all or worker); default true. */
  runJobs?: boolean;
}

export function createEventServices(options: EventServicesOptions): EventServices {
  const s = options.settings.current;
  const sender = new WebhookSender({
    allowPrivate: s.CALLINGSCOUT_ALLOW_PRIVATE_URLS,
    timeoutMs: s.CALLINGSCOUT_WEBHOOK_TIMEOUT_MS,
  });
  const bus = new EventBus({ db: options.db, logger: options.logger, redisUrl: s.REDIS_URL });
  const control = new CallControlBus({ db: options.db, logger: options.logger, redisUrl: s.REDIS_URL });
  const runner = new JobRunner({
    db: options.db,
    logger: options.logger,
    pollIntervalMs: s.CALLINGSCOUT_JOB_POLL_MS,
    queues: {
      [WEBHOOK_QUEUE]: deliveryQueue({
        db: options.db.kysely,
        sender,
        logger: options.logger,
        concurrency: s.CALLINGSCOUT_WEBHOOK_CONCURRENCY,
        maxInFlightPerReceiver: s.CALLINGSCOUT_WEBHOOK_MAX_IN_FLIGHT,
        retryScheduleSec: s.CALLINGSCOUT_WEBHOOK_RETRY_SCHEDULE,
        now: options.now,
      }),
      [PRUNE_QUEUE]: pruneQueue({ db: options.db.kysely, logger: options.logger }),
      ...options.queues,
    },
  });
  const runJobs = options.runJobs ?? true;
  return {
    bus,
    control,
    runner,
    async start() {
      await bus.start();
      await control.start();
      if (runJobs) {
        await addJobs(options.db.kysely, [{ queue: PRUNE_QUEUE, key: 'prune' }]);
        await runner.start();
      }
    },
    async stop(stopOptions = {}) {
      await runner.stop(stopOptions);
      await sender.close();
      await control.stop();
      await bus.stop();
    },
  };
}
