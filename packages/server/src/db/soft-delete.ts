import type { Kysely, Updateable } from 'kysely';
import type { DB } from './schema.js';

/** Configuration tables the API deletes by stamping `deleted_at` (calls and other rows still refer to them). */
export type SoftDeletedTable = 'agents' | 'personas' | 'playbooks';

/**
 * Marks the tenant's live row `id` of `table` deleted, setting `also` in the same update (e.g. an
 * agent's `is_active: false`). False when there is none: never existed, another tenant's, or
 * already deleted, which the API answers alike with a 404.
 */
export async function softDelete<T extends SoftDeletedTable>(
  db: Kysely<DB>,
  table: T,
  where: { tenantId: string; id: string },
  also: Updateable<DB[T]> = {},
): Promise<boolean> {
  // One query shape for every table: Kysely cannot type a column reference on a generic table.
  const result = await db
    .updateTable(table as SoftDeletedTable as 'personas')
    .set({ ...(also as object), deleted_at: new Date() })
    .where('tenant_id', '=', where.tenantId)
    .where('id', '=', where.id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
