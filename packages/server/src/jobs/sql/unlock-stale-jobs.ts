import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * Frees jobs whose lock is older than `lockTimeoutMs`: their worker died (live workers renew
 * their locks, sql/touch-jobs.ts). The interrupted run counts as an attempt, so a job that
 * kills its worker every time ends failed rather than looping forever. Returns the ids freed.
 */
export async function unlockStaleJobs(db: Kysely<DB>, options: { lockTimeoutMs: number }): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    UPDATE jobs SET
      last_error = 'worker ' || locked_by || ' stopped renewing its lock (presumed dead)',
      locked_by = NULL,
      locked_at = NULL,
      failed_at = CASE WHEN attempts >= max_attempts THEN now() END,
      updated_at = now()
    WHERE locked_at < now() - ${options.lockTimeoutMs}::float8 * interval '1 millisecond'
    RETURNING id`.execute(db);
  return rows.map((r) => Number(r.id));
}
