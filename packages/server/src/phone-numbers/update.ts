import type { Kysely } from 'kysely';
import type { DB, PhoneNumberRow } from '../db/schema.js';
import { HttpError, notFound } from '../errors.js';
import { findPhoneNumber, lockDefaultSlot } from './store.js';

/** What `PATCH /v1/phone-numbers/{id}` may change; absent fields stay as they are. */
export interface PhoneNumberPatch {
  name?: string | null | undefined;
  inbound_agent_id?: string | null | undefined;
  is_default?: boolean | undefined;
}

/**
 * Applies a PATCH in one transaction. `inbound_agent_id` must name a live agent of the tenant
 * (400 at that field otherwise). `is_default: true` needs a verified number (calls refuse
 * unverified caller IDs, so it could never be used) and clears the tenant's other default of
 * this mode in the same transaction, so there is never zero-then-two defaults.
 */
export async function updatePhoneNumber(
  db: Kysely<DB>,
  options: { tenantId: string; livemode: boolean; id: string; patch: PhoneNumberPatch; now: number },
): Promise<PhoneNumberRow> {
  const { tenantId, livemode, id, patch } = options;
  return db.transaction().execute(async (trx) => {
    if (patch.is_default) await lockDefaultSlot(trx, tenantId, livemode);
    const row = await findPhoneNumber(trx, { tenantId, livemode, id }, { forUpdate: true });
    if (!row) throw notFound('phone number', id);

    if (patch.inbound_agent_id) {
      const agent = await trx
        .selectFrom('agents')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', patch.inbound_agent_id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (!agent) {
        throw new HttpError(
          400,
          'validation_error',
          `Invalid request body: inbound_agent_id: no agent with id '${patch.inbound_agent_id}' in this account.`,
          {
            errors: [
              { path: 'inbound_agent_id', message: `no agent with id '${patch.inbound_agent_id}' in this account` },
            ],
          },
        );
      }
    }
    if (patch.is_default && !row.verified) {
      throw new HttpError(
        400,
        'validation_error',
        'Invalid request body: is_default: only a verified number can be the default; confirm its verification first.',
        {
          errors: [
            {
              path: 'is_default',
              message: 'only a verified number can be the default; confirm its verification first',
            },
          ],
        },
      );
    }
    if (patch.is_default && !row.is_default) {
      await trx
        .updateTable('phone_numbers')
        .set({ is_default: false, updated_at: new Date(options.now) })
        .where('tenant_id', '=', tenantId)
        .where('livemode', '=', livemode)
        .where('is_default', '=', true)
        .where('deleted_at', 'is', null)
        .execute();
    }
    return trx
      .updateTable('phone_numbers')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.inbound_agent_id !== undefined ? { inbound_agent_id: patch.inbound_agent_id } : {}),
        ...(patch.is_default !== undefined ? { is_default: patch.is_default } : {}),
        updated_at: new Date(options.now),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}
