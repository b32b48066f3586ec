import { type Kysely, sql } from 'kysely';
import type { NumberCarrier } from '../carriers/numbers.js';
import { SandboxNumberCarrier } from '../carriers/sandbox/numbers.js';
import { isoText } from '../db/iso-time.js';
import type { DB, PhoneNumberRow } from '../db/schema.js';
import { HttpError } from '../errors.js';
import { newId } from '../ids.js';

/**
 * Phone numbers in the database. Every query is scoped by tenant and mode: another tenant's
 * number, and a number of the other mode, do not exist here. Deleted numbers keep their row
 * (calls refer to them) but are gone from the API.
 */

/** Draws before giving up when every number the carrier offers is one the tenant already holds. */
const PROVISION_DRAWS = 20;

const VIEW_COLUMNS = [
  'id',
  'livemode',
  'phone_number',
  'name',
  'country',
  'carrier',
  'carrier_ref',
  'source',
  'capabilities',
  'verified',
  'attestation',
  'is_default',
  'inbound_agent_id',
  'verification_status',
  'verification_code_hash',
  'verification_attempts_left',
  'verification_channel',
  'verification_attestation',
] as const;

/** The tenant's live numbers of one mode as a query, for the caller to page through. */
export function phoneNumbersQuery(db: Kysely<DB>, tenantId: string, livemode: boolean) {
  return db
    .selectFrom('phone_numbers')
    .select([
      ...VIEW_COLUMNS,
      isoText('verification_expires_at').as('verification_expires_at'),
      isoText('created_at').as('created_at'),
      isoText('updated_at').as('updated_at'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('livemode', '=', livemode)
    .where('deleted_at', 'is', null);
}

/** The tenant's number of this mode, or undefined. `forUpdate` locks the row until the transaction ends. */
export async function findPhoneNumber(
  db: Kysely<DB>,
  where: { tenantId: string; livemode: boolean; id: string },
  options: { forUpdate?: boolean } = {},
): Promise<PhoneNumberRow | undefined> {
  const q = db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('tenant_id', '=', where.tenantId)
    .where('livemode', '=', where.livemode)
    .where('id', '=', where.id)
    .where('deleted_at', 'is', null);
  return (options.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/** The tenant's live number object for an E.164 number in one mode, or undefined. */
export async function findByNumber(
  db: Kysely<DB>,
  where: { tenantId: string; livemode: boolean; phoneNumber: string },
  options: { forUpdate?: boolean } = {},
): Promise<PhoneNumberRow | undefined> {
  const q = db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('tenant_id', '=', where.tenantId)
    .where('livemode', '=', where.livemode)
    .where('phone_number', '=', where.phoneNumber)
    .where('deleted_at', 'is', null);
  return (options.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/**
 * The number a call without `from_number` uses (api.md): the one marked `is_default`, else the
 * first verified one (oldest). Only verified numbers qualify (a default must be verified, which
 * the table enforces). Undefined when the tenant has none in this mode.
 */
export async function defaultNumber(
  db: Kysely<DB>,
  tenantId: string,
  livemode: boolean,
): Promise<PhoneNumberRow | undefined> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('livemode', '=', livemode)
    .where('verified', '=', true)
    .where('deleted_at', 'is', null)
    .orderBy('is_default', 'desc')
    .orderBy('id', 'asc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Buys a number through `carrier` and stores it, verified, with the carrier's attestation. The
 * carrier may offer a number the tenant already holds (the sandbox draws at random): that one
 * goes back and another is drawn.
 */
export async function provisionPhoneNumber(
  db: Kysely<DB>,
  options: {
    tenantId: string;
    carrier: NumberCarrier;
    country: string;
    areaCode?: string | undefined;
    name?: string | null | undefined;
  },
): Promise<PhoneNumberRow> {
  const { carrier } = options;
  for (let draw = 0; draw < PROVISION_DRAWS; draw++) {
    const bought = await carrier.provision({ country: options.country, areaCode: options.areaCode });
    const id = newId('num');
    const row = await db
      .insertInto('phone_numbers')
      .values({
        id,
        tenant_id: options.tenantId,
        livemode: carrier.livemode,
        phone_number: bought.phoneNumber,
        name: options.name ?? null,
        country: options.country,
        carrier: carrier.id,
        carrier_ref: bought.carrierRef,
        source: 'provisioned',
        capabilities: JSON.stringify(bought.capabilities),
        verified: true,
        attestation: bought.attestation,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return row;
    await carrier.release({ phoneNumber: bought.phoneNumber, carrierRef: bought.carrierRef, reference: id });
  }
  throw new HttpError(
    409,
    'no_numbers_available',
    `The ${carrier.id} carrier offered only numbers this account already holds, ${PROVISION_DRAWS} times in a row; release some or ask for another area code.`,
  );
}

/**
 * Every tenant has one sandbox number in test mode from the start (api.md), so a test call needs
 * no set-up. Called in the transaction that creates the tenant; the sandbox needs nothing
 * outside the database, so a fresh carrier does.
 */
export async function addStarterSandboxNumber(db: Kysely<DB>, tenantId: string): Promise<PhoneNumberRow> {
  return provisionPhoneNumber(db, {
    tenantId,
    carrier: new SandboxNumberCarrier(),
    country: 'US',
    name: 'Sandbox number',
  });
}

/** Soft-deletes a number; false when it was already gone. */
export async function deletePhoneNumber(
  db: Kysely<DB>,
  where: { tenantId: string; livemode: boolean; id: string },
): Promise<boolean> {
  const result = await db
    .updateTable('phone_numbers')
    .set({ deleted_at: new Date(), is_default: false, updated_at: new Date() })
    .where('tenant_id', '=', where.tenantId)
    .where('livemode', '=', where.livemode)
    .where('id', '=', where.id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Serialises changes to one tenant's default number in one mode until the transaction ends, so
 * two concurrent "make this the default" requests take turns instead of one failing on the
 * unique index.
 */
export async function lockDefaultSlot(db: Kysely<DB>, tenantId: string, livemode: boolean): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`phone_numbers.default:${tenantId}:${livemode}`}))`.execute(db);
}
