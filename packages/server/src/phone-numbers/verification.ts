import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { NumberCarrier } from '../carriers/numbers.js';
import type { DB, PhoneNumberRow } from '../db/schema.js';
import { HttpError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { findByNumber, findPhoneNumber } from './store.js';
import { verificationStatus } from './view.js';

/**
 * Caller-ID verification of a number the tenant owns elsewhere: start (a 6-digit code delivered
 * by the carrier) → confirm. 5 wrong codes or 10 minutes and the verification expires; a new
 * start issues a new code on the same number object.
 */

/** A code lives this long (api.md; Twilio's and Telnyx's verify codes last 10 minutes too). */
export const CODE_TTL_MS = 10 * 60 * 1000;
/** Wrong codes allowed before the verification expires: 5 guesses of 10⁶ codes is a 1 in 200,000 chance. */
export const MAX_ATTEMPTS = 5;

/** A uniform 6-digit code, leading zeros included. */
export function newCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/** Codes are stored as SHA-256 of the number id and the code, so a leaked row does not read out a live code. */
export function hashCode(numberId: string, code: string): string {
  return createHash('sha256').update(`${numberId}:${code}`).digest('hex');
}

function codeMatches(numberId: string, code: string, storedHash: string): boolean {
  const given = Buffer.from(hashCode(numberId, code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/**
 * Starts (or restarts) verification of `phoneNumber`: delivers a new code through `carrier`,
 * then stores the number object as pending. The delivery happens inside the transaction, so a
 * carrier that refuses leaves nothing written. 409 when the number is already verified.
 */
export async function startVerification(
  db: Kysely<DB>,
  options: {
    tenantId: string;
    carrier: NumberCarrier;
    phoneNumber: string;
    country: string;
    now: number;
  },
): Promise<{ row: PhoneNumberRow; created: boolean }> {
  const { tenantId, carrier, phoneNumber, now } = options;
  const livemode = carrier.livemode;
  return db.transaction().execute(async (trx) => {
    const existing = await findByNumber(trx, { tenantId, livemode, phoneNumber }, { forUpdate: true });
    if (existing?.verified) {
      throw new HttpError(
        409,
        'already_verified',
        `${phoneNumber} is already a verified number of this account (${existing.id}).`,
        { extra: { phone_number_id: existing.id } },
      );
    }
    const id = existing?.id ?? newId('num');
    const code = newCode();
    const delivery = await carrier.startVerification({ phoneNumber, code, reference: id });
    const verification = {
      verification_status: 'pending' as const,
      verification_code_hash: hashCode(id, code),
      verification_expires_at: new Date(now + CODE_TTL_MS),
      verification_attempts_left: MAX_ATTEMPTS,
      verification_channel: delivery.channel,
      verification_attestation: delivery.attestation,
    };
    if (existing) {
      const row = await trx
        .updateTable('phone_numbers')
        .set({ ...verification, carrier: carrier.id, updated_at: new Date(now) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { row, created: false };
    }
    const row = await trx
      .insertInto('phone_numbers')
      .values({
        id,
        tenant_id: tenantId,
        livemode,
        phone_number: phoneNumber,
        country: options.country,
        carrier: carrier.id,
        source: 'verified',
        capabilities: JSON.stringify({ voice: true, sms: false }),
        verified: false,
        ...verification,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      throw new HttpError(
        409,
        'verification_in_progress',
        `Another request is starting verification of ${phoneNumber} right now; read the number from GET /v1/phone-numbers.`,
      );
    }
    return { row, created: true };
  });
}

/** What a confirmation came to; failures are committed (a wrong guess must count) before they are answered. */
type Confirmation =
  | { outcome: 'verified'; row: PhoneNumberRow }
  | { outcome: 'wrong_code'; attemptsLeft: number }
  | { outcome: 'expired'; why: 'time' | 'attempts' | 'earlier' }
  | { outcome: 'not_pending' };

/**
 * Checks `code` against the number's pending verification. Right → verified, with the
 * attestation the carrier promised. Wrong → one attempt fewer (400), the last one expires it
 * (410). Past its 10 minutes → 410. The row is locked, so concurrent guesses are counted one by one.
 */
export async function confirmVerification(
  db: Kysely<DB>,
  options: { tenantId: string; livemode: boolean; id: string; code: string; now: number },
): Promise<PhoneNumberRow> {
  const { tenantId, livemode, id, code, now } = options;
  const result = await db.transaction().execute(async (trx): Promise<Confirmation | undefined> => {
    const row = await findPhoneNumber(trx, { tenantId, livemode, id }, { forUpdate: true });
    if (!row) return undefined;
    if (row.source !== 'verified' || row.verified || row.verification_status === 'verified') {
      return { outcome: 'not_pending' };
    }
    if (row.verification_status === 'expired' || !row.verification_code_hash) {
      return { outcome: 'expired', why: 'earlier' };
    }
    const expire = () =>
      trx
        .updateTable('phone_numbers')
        .set({
          verification_status: 'expired',
          verification_code_hash: null,
          verification_attempts_left: 0,
          updated_at: new Date(now),
        })
        .where('id', '=', id)
        .execute();
    if (verificationStatus(row, now) === 'expired') {
      await expire();
      return { outcome: 'expired', why: 'time' };
    }
    if (codeMatches(id, code, row.verification_code_hash)) {
      const verified = await trx
        .updateTable('phone_numbers')
        .set({
          verified: true,
          attestation: row.verification_attestation,
          verification_status: 'verified',
          verification_code_hash: null,
          verification_expires_at: null,
          verification_attempts_left: null,
          updated_at: new Date(now),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { outcome: 'verified', row: verified };
    }
    const attemptsLeft = Math.max(0, (row.verification_attempts_left ?? 0) - 1);
    if (attemptsLeft === 0) {
      await expire();
      return { outcome: 'expired', why: 'attempts' };
    }
    await trx
      .updateTable('phone_numbers')
      .set({ verification_attempts_left: attemptsLeft, updated_at: new Date(now) })
      .where('id', '=', id)
      .execute();
    return { outcome: 'wrong_code', attemptsLeft };
  });

  if (!result) throw notFound('phone number', id);
  switch (result.outcome) {
    case 'verified':
      return result.row;
    case 'not_pending':
      throw new HttpError(
        409,
        'not_pending_verification',
        `Phone number '${id}' has no verification waiting for a code: it is already verified, or was bought through a carrier.`,
      );
    case 'wrong_code':
      throw new HttpError(
        400,
        'incorrect_code',
        `That is not the code we sent; ${result.attemptsLeft} ${result.attemptsLeft === 1 ? 'attempt' : 'attempts'} left before this verification expires.`,
        {
          errors: [{ path: 'code', message: `incorrect code; ${result.attemptsLeft} attempts left` }],
          extra: { attempts_left: result.attemptsLeft },
        },
      );
    case 'expired': {
      const why = {
        time: `its code was valid for ${CODE_TTL_MS / 60_000} minutes`,
        attempts: `${MAX_ATTEMPTS} wrong codes were entered`,
        earlier: 'it expired earlier',
      }[result.why];
      throw new HttpError(
        410,
        'verification_expired',
        `This verification has expired (${why}). Start a new one with POST /v1/phone-numbers/verify; a new code will be sent.`,
        { extra: { attempts_left: 0 } },
      );
    }
  }
}
