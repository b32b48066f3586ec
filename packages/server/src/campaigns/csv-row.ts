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

/**
 * A trimmed cell, '' when absent. A module function, not a closure in rowToContact: tsx's
 * keep-names wraps every named closure in a defineProperty call, once a row (0.6 % of an import).
 */
function cellAt(record: readonly string[], index: number | undefined): string {
  return index === undefined ? '' : (record[index] ?? '').trim();
}

export function rowToContact(record: readonly string[], columns: ColumnMap, listId: string): CsvRow {
  const phone = cellAt(record, columns.fields.phone);
  if (phone === '') return { ok: false, reason: 'no phone number' };

  const first = cellAt(record, columns.fields.first_name);
  const last = cellAt(record, columns.fields.last_name);
  const name = cellAt(record, columns.fields.name) || (first && last ? `${first} ${last}` : first || last);
  if (name.length > MAX_TEXT) return { ok: false, reason: `name is longer than ${MAX_TEXT} characters` };
  const company = cellAt(record, columns.fields.company);
  if (company.length > MAX_TEXT) return { ok: false, reason: `company is longer than ${MAX_TEXT} characters` };

  const email = cellAt(record, columns.fields.email);
  if (email && (email.length > 254 || !EMAIL.test(email))) {
    return { ok: false, reason: `'${email.slice(0, 100)}' is not an email address` };
  }
  const tzText = cellAt(record, columns.fields.timezone);
  const timezone = tzText ? canonicalTimezone(tzText) : undefined;
  if (tzText && !timezone) {
    return { ok: false, reason: `'${tzText.slice(0, 100)}' is not an IANA time zone such as America/New_York` };
  }

  const tagText = cellAt(record, columns.fields.tags);
  // Most files have no tags column: no split, no set, for every row of a million.
  const tags =
    tagText === ''
      ? []
      : [
          ...new Set(
            tagText
              .split(/[;|,]/)
              .map((t) => t.trim())
              .filter(Boolean),
          ),
        ];
  if (tags.some((t) => t.length > 64)) return { ok: false, reason: 'a tag is longer than 64 characters' };

  const custom_fields: Record<string, string> = {};
  for (const { index, key } of columns.custom) {
    const value = cellAt(record, index);
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
