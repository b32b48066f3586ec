import type { Kysely } from 'kysely';
import { z } from 'zod';
import { fieldErrors } from '../api/validation.js';
import type { DB } from '../db/schema.js';
import type { FieldError } from '../errors.js';
import { normalisePhone } from './phone.js';
import { contactInput } from './schema.js';
import { unknownListIds } from './store.js';
import { type ContactWrite, mergeInto, upsertContacts } from './upsert.js';

/**
 * `POST /v1/contacts/bulk`: up to 10,000 contacts upserted by phone, each validated on its own.
 * Valid rows are written in chunks of 1,000, one transaction per chunk, each row with its list
 * memberships; a row that fails validation, or whose chunk fails to commit, is rejected whole
 * and reported, so a row is never half-written.
 */

export const MAX_BULK_ROWS = 10_000;
const CHUNK_ROWS = 1_000;

export const bulkRequest = z.strictObject({
  contacts: z
    .array(z.record(z.string(), z.unknown()).describe('A contact, in the shape POST /v1/contacts takes'))
    .min(1)
    .max(MAX_BULK_ROWS),
  list_ids: z
    .array(z.string().min(1).max(100))
    .max(100)
    .default([])
    .describe('Lists every contact of the request joins, besides its own list_ids'),
});

export const bulkRowResult = z.object({
  index: z.number().int(),
  status: z.enum(['created', 'updated', 'rejected']),
  id: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type BulkRowResult = z.output<typeof bulkRowResult>;

export const bulkResponse = z
  .object({
    object: z.literal('bulk_result'),
    created: z.number().int(),
    updated: z.number().int(),
    rejected: z.number().int(),
    results: z.array(bulkRowResult),
  })
  .meta({ id: 'ContactBulkResult' });

export interface BulkOptions {
  tenantId: string;
  /** The tenant's default region, for national numbers. */
  region: string;
  rows: readonly Record<string, unknown>[];
  /** Lists every row joins; the caller has checked they are the tenant's. */
  listIds: readonly string[];
  onChunkError?: (err: unknown) => void;
}

export async function bulkUpsert(db: Kysely<DB>, options: BulkOptions): Promise<z.output<typeof bulkResponse>> {
  const results: BulkRowResult[] = new Array(options.rows.length);
  const valid: Array<{ index: number; write: ContactWrite }> = [];
  options.rows.forEach((raw, index) => {
    const parsed = contactInput.safeParse(raw);
    if (!parsed.success) {
      results[index] = { index, status: 'rejected', errors: fieldErrors(parsed.error.issues) };
      return;
    }
    const phone = normalisePhone(parsed.data.phone, options.region);
    if (!phone.ok) {
      results[index] = { index, status: 'rejected', errors: [{ path: 'phone', message: phone.reason }] };
      return;
    }
    const { list_ids, ...rest } = parsed.data;
    valid.push({
      index,
      write: { ...rest, phone: phone.e164, list_ids: [...new Set([...list_ids, ...options.listIds])] },
    });
  });

  const unknown = new Set(
    await unknownListIds(db, options.tenantId, [...new Set(valid.flatMap((v) => v.write.list_ids))]),
  );
  const writable = valid.filter(({ index, write }) => {
    const errors: FieldError[] = [];
    write.list_ids.forEach((id, i) => {
      if (unknown.has(id)) errors.push({ path: `list_ids.${i}`, message: `no contact list with id '${id}'` });
    });
    if (errors.length) results[index] = { index, status: 'rejected', errors };
    return errors.length === 0;
  });

  for (let start = 0; start < writable.length; start += CHUNK_ROWS) {
    const chunk = writable.slice(start, start + CHUNK_ROWS);
    // One row per phone: ON CONFLICT cannot update the same row twice in one statement.
    const byPhone = new Map<string, ContactWrite>();
    for (const { write } of chunk) {
      const first = byPhone.get(write.phone);
      if (first) mergeInto(first, write);
      else byPhone.set(write.phone, { ...write });
    }
    try {
      const written = await db
        .transaction()
        .execute((trx) => upsertContacts(trx, options.tenantId, [...byPhone.values()]));
      const seen = new Set<string>();
      for (const { index, write } of chunk) {
        const done = written.get(write.phone);
        if (!done) throw new Error(`contact ${write.phone} missing from the upsert's answer`);
        // A later row with the same phone in this chunk was merged into the first one.
        const created = done.created && !seen.has(write.phone);
        seen.add(write.phone);
        results[index] = { index, status: created ? 'created' : 'updated', id: done.id };
      }
    } catch (err) {
      options.onChunkError?.(err);
      for (const { index } of chunk) {
        results[index] = {
          index,
          status: 'rejected',
          errors: [
            {
              path: '',
              message:
                'not written: its chunk of 1,000 rows failed to commit (was a list deleted meanwhile?); send it again',
            },
          ],
        };
      }
    }
  }

  const count = (status: BulkRowResult['status']) => results.filter((r) => r.status === status).length;
  return {
    object: 'bulk_result',
    created: count('created'),
    updated: count('updated'),
    rejected: count('rejected'),
    results,
  };
}
