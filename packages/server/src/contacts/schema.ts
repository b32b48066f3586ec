import { z } from 'zod';
import { canonicalTimezone } from './timezone.js';

/**
 * The contact as the API reads and writes it (api.md, "Contacts and do-not-call"). The phone is
 * checked here only for shape: reading a national number needs the tenant's `default_region`, so
 * the handler normalises it (contacts/phone.ts) and reports a bad one at `phone` like any other
 * field error.
 */

export const MAX_TAGS = 50;
export const MAX_CUSTOM_FIELDS = 100;
export const MAX_LIST_IDS = 100;

const text = (max: number) => z.string().trim().max(max);
const nullableText = (max: number) =>
  text(max)
    .transform((v) => (v === '' ? null : v))
    .nullable();

export const phoneInput = z
  .string()
  .min(1)
  .max(64)
  .describe('E.164, or national form read with the tenant default_region');

export const timezoneInput = z
  .string()
  .trim()
  .transform((v, ctx) => {
    if (v === '') return null;
    const tz = canonicalTimezone(v);
    if (!tz) ctx.addIssue({ code: 'custom', message: `'${v}' is not an IANA time zone such as America/New_York` });
    return tz ?? null;
  })
  .nullable()
  .describe('IANA time zone, e.g. America/New_York; calling hours are taken in it');

export const emailInput = z
  .string()
  .trim()
  .max(254)
  .transform((v, ctx) => {
    if (v === '') return null;
    if (!z.email().safeParse(v).success) ctx.addIssue({ code: 'custom', message: `'${v}' is not an email address` });
    return v;
  })
  .nullable();

const tag = z.string().trim().min(1).max(64);
const fieldKey = z.string().min(1).max(64);
/** Custom fields feed `{{variables}}` in prompts, so they hold scalars, not documents. */
const customValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

const fields = {
  phone: phoneInput,
  name: nullableText(200).default(null),
  email: emailInput.default(null),
  company: nullableText(200).default(null),
  timezone: timezoneInput.default(null),
  tags: z
    .array(tag)
    .max(MAX_TAGS)
    .transform((tags) => [...new Set(tags)])
    .default([]),
  custom_fields: z
    .record(fieldKey, customValue)
    .refine((r) => Object.keys(r).length <= MAX_CUSTOM_FIELDS, `at most ${MAX_CUSTOM_FIELDS} custom fields`)
    .default({}),
  metadata: z
    .record(fieldKey, z.unknown())
    .refine((r) => Object.keys(r).length <= 50, 'at most 50 metadata keys')
    .default({}),
  list_ids: z
    .array(z.string().min(1).max(100))
    .max(MAX_LIST_IDS)
    .transform((ids) => [...new Set(ids)])
    .default([]),
};

export const contactInput = z.strictObject(fields);
export type ContactInput = z.output<typeof contactInput>;

/** A PATCH: every field optional and without defaults, so what is left out stays as stored. */
export const contactPatch = z.strictObject(
  Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, (v instanceof z.ZodDefault ? v.unwrap() : v).optional()]),
  ),
) as unknown as z.ZodType<Partial<ContactInput>>;

export const contactObject = z
  .object({
    id: z.string(),
    object: z.literal('contact'),
    phone: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    company: z.string().nullable(),
    timezone: z.string().nullable(),
    tags: z.array(z.string()),
    custom_fields: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
    list_ids: z.array(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Contact' });
export type Contact = z.output<typeof contactObject>;
