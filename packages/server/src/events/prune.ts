import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../db/schema.js';
import type { QueueDefinition } from '../jobs/runner.js';

/** The queue of the recurring prune job; one job (key `prune`) exists at a time. */
export const PRUNE_QUEUE = 'events.prune';
/** History, deliveries (with their attempts, by cascade) and failed jobs are kept this long. */
export const RETENTION_DAYS = 30;
const EVERY_MS = 60 * 60 * 1000;
/** Rows per DELETE: short statements, so pruning never holds locks long on a big table. */
const BATCH = 5000;

/** Deletes what is past retention, in batches; returns the counts. */
export async function pruneEvents(db: Kysely<DB>, retentionDays = RETENTION_DAYS) {
  const cutoff = sql`now() - ${retentionDays}::int * interval '1 day'`;
  const drain = async (statement: () => Promise<number>) => {
    let total = 0;
    for (;;) {
      const n = await statement();
      total += n;
      if (n < BATCH) return total;
    }
  };
  const count = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0);
  // Deliveries first: an event still referenced by a recent replay's delivery is kept with it.
  const deliveries = await drain(async () =>
    count(
      await sql`DELETE FROM webhook_deliveries WHERE id IN (
        SELECT id FROM webhook_deliveries WHERE created_at < ${cutoff} LIMIT ${BATCH})`.execute(db),
    ),
  );
  const events = await drain(async () =>
    count(
      await sql`DELETE FROM events WHERE id IN (
        SELECT e.id FROM events e WHERE e.created_at < ${cutoff}
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
        LIMIT ${BATCH})`.execute(db),
    ),
  );
  const jobs = await drain(async () =>
    count(
      await sql`DELETE FROM jobs WHERE id IN (
        SELECT id FROM jobs WHERE failed_at < ${cutoff} LIMIT ${BATCH})`.execute(db),
    ),
  );
  await sql`DELETE FROM call_control_owners WHERE registered_at < now() - interval '1 day'`.execute(db);
  return { events, deliveries, jobs };
}

/** The hourly prune as a recurring job: it reschedules itself after each run. */
export function pruneQueue(options: { db: Kysely<DB>; logger: Logger }): QueueDefinition {
  return {
    concurrency: 1,
    handler: async () => {
      const pruned = await pruneEvents(options.db);
      if (pruned.events || pruned.deliveries || pruned.jobs)
        options.logger.info(pruned, 'events: pruned past retention');
      return { rescheduleAt: new Date(Date.now() + EVERY_MS) };
    },
  };
}
