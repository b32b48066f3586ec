import { z } from 'zod';
import { toIso } from '../db/iso-time.js';
import type { PhoneNumberRow } from '../db/schema.js';

/** The phone number object (api.md, "Phone numbers"), as the API answers it. */
export const phoneNumberObject = z
  .object({
    id: z.string(),
    object: z.literal('phone_number'),
    livemode: z.boolean(),
    phone_number: z.string().describe('E.164.'),
    name: z.string().nullable(),
    country: z.string().describe('ISO 3166-1 alpha-2 (ZZ for numbers of no country).'),
    carrier: z.string(),
    capabilities: z.object({ voice: z.boolean(), sms: z.boolean() }),
    verified: z.boolean().describe('Outbound calls may use it as caller ID only when true (and attestation is A).'),
    attestation: z.enum(['A', 'B', 'C']).nullable(),
    is_default: z.boolean(),
    inbound_agent_id: z.string().nullable(),
    verification: z
      .object({
        status: z.enum(['pending', 'verified', 'expired']),
        channel: z.enum(['call', 'sms']).nullable(),
        expires_at: z.string().nullable(),
        attempts_left: z.number().int().nullable(),
      })
      .nullable()
      .describe('Caller-ID verification of a number you own; null for numbers bought through a carrier.'),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'PhoneNumber' });
export type PhoneNumber = z.output<typeof phoneNumberObject>;

/** The columns a number is rendered from; timestamps may come as ISO text (lists) or Dates. */
export type PhoneNumberView = Omit<
  PhoneNumberRow,
  'created_at' | 'updated_at' | 'verification_expires_at' | 'deleted_at' | 'tenant_id'
> & {
  created_at: Date | string;
  updated_at: Date | string;
  verification_expires_at: Date | string | null;
};

/** A pending verification whose time is up reads as expired before anyone writes it so. */
export function verificationStatus(row: PhoneNumberView, now: number): PhoneNumberRow['verification_status'] {
  const expires = row.verification_expires_at;
  if (row.verification_status === 'pending' && expires !== null && now >= new Date(expires).getTime()) {
    return 'expired';
  }
  return row.verification_status;
}

export function renderPhoneNumber(row: PhoneNumberView, now: number): PhoneNumber {
  const status = verificationStatus(row, now);
  return {
    id: row.id,
    object: 'phone_number',
    livemode: row.livemode,
    phone_number: row.phone_number,
    name: row.name,
    country: row.country,
    carrier: row.carrier,
    capabilities: row.capabilities,
    verified: row.verified,
    attestation: row.attestation,
    is_default: row.is_default,
    inbound_agent_id: row.inbound_agent_id,
    verification:
      row.source === 'verified' && status
        ? {
            status,
            channel: row.verification_channel,
            expires_at: status === 'pending' && row.verification_expires_at ? toIso(row.verification_expires_at) : null,
            attempts_left: status === 'pending' ? row.verification_attempts_left : status === 'expired' ? 0 : null,
          }
        : null,
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
  };
}
