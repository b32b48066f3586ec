import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { RetryPolicy } from '../types.js';

export interface FailJobOptions {
  id: number;
  workerId: string;
  error: string;
  retry?: RetryPolicy | undefined;
  /** A floor under the delay (e.g. the receiver's Retry-After). */
  retryAfterMs?: number | undefined;
  /** Fail for good now, whatever attempts remain. */
  permanent?: boolean | undefined;
}

/**
 * Records a failed attempt: the error is stored on the row, and the job either runs again after
 * a backoff computed here in SQL (so every worker agrees and the clock is the database's) or,
 * with its attempts spent, stays as a failed row (failed_at, last_error). Returns null when the
 * job is no longer locked by this worker.
 */
export async function failJob(
  db: Kysely<DB>,
  options: FailJobOptions,
): Promise<{ failedForGood: boolean; runAt: Date } | null> {
  const schedule = options.retry?.scheduleSec ?? [];
  const jitter = options.retry?.jitter ?? 0.1;
  const permanent = options.permanent ?? false;
  const { rows } = await sql<{ failed_for_good: boolean; run_at: Date }>`
    UPDATE jobs SET
      locked_by = NULL,
      locked_at = NULL,
      last_error = ${options.error.slice(0, 2000)},
      updated_at = now(),
      failed_at = CASE WHEN ${permanent}::boolean OR attempts >= max_attempts THEN now() END,
      run_at = CASE WHEN ${permanent}::boolean OR attempts >= max_attempts THEN run_at ELSE now() + greatest(
        ${options.retryAfterMs ?? 0}::float8 * interval '1 millisecond',
        (CASE WHEN cardinality(${schedule}::float8[]) = 0 THEN exp(least(attempts, 10))
              ELSE coalesce((${schedule}::float8[])[attempts],
                            (${schedule}::float8[])[cardinality(${schedule}::float8[])]) END)
          * (1 + ${jitter}::float8 * (random() * 2 - 1)) * interval '1 second')
      END
    WHERE id = ${options.id} AND locked_by = ${options.workerId}
    RETURNING failed_at IS NOT NULL AS failed_for_good, run_at`.execute(db);
  const row = rows[0];
  return row ? { failedForGood: row.failed_for_good, runAt: new Date(row.run_at) } : null;
}
