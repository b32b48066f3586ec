import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * A stopping worker hands back the jobs it did not finish: unlocked, ready at once, the attempt
 * given back (it was interrupted, not failed). The release trigger wakes the other workers.
 */
export async function releaseJobs(db: Kysely<DB>, options: { ids: number[]; workerId: string }): Promise<number> {
  if (options.ids.length === 0) return 0;
  const result = await sql`
    UPDATE jobs SET locked_by = NULL, locked_at = NULL, attempts = greatest(attempts - 1, 0), updated_at = now()
    WHERE id = ANY(${options.ids}::bigint[]) AND locked_by = ${options.workerId}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
