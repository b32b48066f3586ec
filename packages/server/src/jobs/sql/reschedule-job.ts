import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';

export interface Reschedule {
  id: number;
  runAt: Date;
  /** Whether the run counts as an attempt; false gives back the attempt taken at claim time. */
  countAttempt: boolean;
}

/**
 * Puts claimed jobs back for a later run without failing them, many per statement (the runner
 * batches them as it does completions): a recurring job's next run, or deliveries whose
 * receiver is at its concurrency cap, which can come by the hundred.
 */
export async function rescheduleJobs(
  db: Kysely<DB>,
  options: { items: Reschedule[]; workerId: string },
): Promise<number> {
  const { items } = options;
  if (items.length === 0) return 0;
  const result = await sql`
    UPDATE jobs AS j SET
      run_at = r.run_at,
      locked_by = NULL,
      locked_at = NULL,
      attempts = CASE WHEN r.count_attempt THEN j.attempts ELSE greatest(j.attempts - 1, 0) END,
      updated_at = now()
    FROM unnest(${items.map((i) => i.id)}::bigint[], ${items.map((i) => i.runAt.toISOString())}::timestamptz[],
                ${items.map((i) => i.countAttempt)}::boolean[]) AS r(id, run_at, count_attempt)
    WHERE j.id = r.id AND j.locked_by = ${options.workerId}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
