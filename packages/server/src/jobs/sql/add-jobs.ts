import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { NewJob } from '../types.js';

/**
 * Enqueues jobs in one multi-row INSERT (inside the caller's transaction when given one, so a
 * job exists exactly when the change that asked for it does). A job whose (queue, key) already
 * exists is skipped. The insert trigger NOTIFYs `cs_jobs` at commit. Returns how many were added.
 */
export async function addJobs(db: Kysely<DB>, jobs: NewJob[]): Promise<number> {
  if (jobs.length === 0) return 0;
  const rows = await db
    .insertInto('jobs')
    .values(
      jobs.map((j) => ({
        queue: j.queue,
        payload: JSON.stringify(j.payload ?? {}),
        ...(j.runAt ? { run_at: j.runAt } : {}),
        ...(j.maxAttempts ? { max_attempts: j.maxAttempts } : {}),
        key: j.key ?? null,
      })),
    )
    .onConflict((oc) => oc.columns(['queue', 'key']).where('key', 'is not', null).doNothing())
    .returning('id')
    .execute();
  return rows.length;
}
