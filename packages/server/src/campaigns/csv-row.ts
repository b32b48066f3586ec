import { canonicalTimezone } from '../contacts/timezone.js';
import type { ContactWrite } from '../contacts/upsert.js';
import type { ColumnMap } from './csv-columns.js';

/**
 * One CSV row as a contact to write, or the reason it is refused. Cells are trimmed; an empty
 * cell is "no value" (it never erases what a stored contact has). The phone is left as written:
 * the import normalises it with the tenant's region.
 */

const MAX_TEXT = 200;
const MAX_CUSTOM = 2000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type CsvRow = { ok: true; contact: ContactWrite } | { ok: false; reason: string };

export function rowToContact(record: readonly string[], columns: ColumnMap, listId: string): CsvRow {
  const cell = (index: number | undefined) => (index === undefined ? '' : (record[index] ?? '').trim());
  const phone = cell(columns.fields.phone);
  if (phone === '') return { ok: false, reason: 'no phone number' };

  const first = cell(columns.fields.first_name);
  const last = cell(columns.fields.last_name);
  const name = cell(columns.fields.name) || [first, last].filter(Boolean).join(' ');
  if (name.length > MAX_TEXT) return { ok: false, reason: `name is longer than ${MAX_TEXT} characters` };
  const company = cell(columns.fields.company);
  if (company.length > MAX_TEXT) return { ok: false, reason: `company is longer than ${MAX_TEXT} characters` };

  const email = cell(columns.fields.email);
  if (email && (email.length > 254 || !EMAIL.test(email))) {
    return { ok: false, reason: `'${email.slice(0, 100)}' is not an email address` };
  }
  const tzText = cell(columns.fields.timezone);
  const timezone = tzText ? canonicalTimezone(tzText) : undefined;
  if (tzText && !timezone) {
    return { ok: false, reason: `'${tzText.slice(0, 100)}' is not an IANA time zone such as America/New_York` };
  }

  const tags = [
    ...new Set(
      cell(columns.fields.tags)
        .split(/[;|,]/)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  if (tags.some((t) => t.length > 64)) return { ok: false, reason: 'a tag is longer than 64 characters' };

  const custom_fields: Record<string, string> = {};
  for (const { index, key } of columns.custom) {
    const value = cell(index);
    if (value === '') continue;
    if (value.length > MAX_CUSTOM) return { ok: false, reason: `${key} is longer than ${MAX_CUSTOM} characters` };
    custom_fields[key] = value;
  }

  return {
    ok: true,
    contact: {
      phone,
      name: name || null,
      email: email || null,
      company: company || null,
      timezone: timezone ?? null,
      tags,
      custom_fields,
      metadata: {},
      list_ids: [listId],
    },
  };
}
