import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * The running worker's heartbeat: renews the locks of the jobs it holds, so a job that runs
 * longer than the lock timeout is not mistaken for one whose worker died.
 */
export async function touchJobs(db: Kysely<DB>, options: { ids: number[]; workerId: string }): Promise<number> {
  if (options.ids.length === 0) return 0;
  const result = await sql`
    UPDATE jobs SET locked_at = now() WHERE id = ANY(${options.ids}::bigint[]) AND locked_by = ${options.workerId}`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}
