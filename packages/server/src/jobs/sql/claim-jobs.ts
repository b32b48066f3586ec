import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Job } from '../types.js';

/**
 * Claims up to `limit` ready jobs of a queue for `workerId`, oldest due first, in one statement.
 * `FOR UPDATE SKIP LOCKED` lets many workers claim at once without waiting on each other or
 * taking the same row: each sees only rows nobody else is locking (PGlite has one connection,
 * so there claims are simply serial). The attempt is counted at claim time, so a worker that
 * dies mid-job has still used one (sql/unlock-stale-jobs.ts).
 */
export async function claimJobs(
  db: Kysely<DB>,
  options: { queue: string; limit: number; workerId: string },
): Promise<Job[]> {
  const { rows } = await sql<{
    id: number;
    queue: string;
    payload: Record<string, unknown>;
    attempts: number;
    max_attempts: number;
    key: string | null;
  }>`
    WITH picked AS (
      SELECT id FROM jobs
      WHERE queue = ${options.queue} AND locked_at IS NULL AND failed_at IS NULL AND run_at <= now()
      ORDER BY run_at, id
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE jobs AS j
    SET locked_by = ${options.workerId}, locked_at = now(), attempts = j.attempts + 1, updated_at = now()
    FROM picked
    WHERE j.id = picked.id
    RETURNING j.id, j.queue, j.payload, j.attempts, j.max_attempts, j.key`.execute(db);
  return rows.map((r) => ({
    id: Number(r.id),
    queue: r.queue,
    payload: r.payload,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    key: r.key,
  }));
}
