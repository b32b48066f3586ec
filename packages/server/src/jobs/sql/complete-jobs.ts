import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * Deletes finished jobs, many per statement (the runner batches completions that arrive while a
 * delete is in flight). Only rows still locked by `workerId`: a job whose lock expired and was
 * taken by another worker is that worker's to finish.
 */
export async function completeJobs(db: Kysely<DB>, options: { ids: number[]; workerId: string }): Promise<number> {
  if (options.ids.length === 0) return 0;
  const result = await sql`
    DELETE FROM jobs WHERE id = ANY(${options.ids}::bigint[]) AND locked_by = ${options.workerId}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
