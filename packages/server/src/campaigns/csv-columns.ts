/**
 * How a CSV's header row maps onto a contact. Header names are compared after lower-casing and
 * turning every run of spaces, dashes, dots and slashes into `_` (`"Phone Number"`,
 * `phone-number` and `PHONE_NUMBER` are one name). The first column whose name is a phone alias
 * (in the order below) is the phone; every column that maps to nothing else becomes a custom
 * field named by its normalised header, so `{{account_manager}}` works in a prompt.
 */

export type ContactField = 'phone' | 'name' | 'first_name' | 'last_name' | 'email' | 'company' | 'timezone' | 'tags';

const ALIASES: Record<ContactField, readonly string[]> = {
  phone: [
    'phone',
    'phone_number',
    'phonenumber',
    'number',
    'mobile',
    'mobile_number',
    'mobile_phone',
    'cell',
    'cell_phone',
    'cellphone',
    'telephone',
    'telephone_number',
    'tel',
    'phone_no',
    'contact_number',
    'msisdn',
    'e164',
  ],
  name: ['name', 'full_name', 'fullname', 'contact_name', 'contact'],
  first_name: ['first_name', 'firstname', 'first', 'given_name', 'forename'],
  last_name: ['last_name', 'lastname', 'last', 'surname', 'family_name'],
  email: ['email', 'email_address', 'e_mail', 'mail'],
  company: ['company', 'company_name', 'organization', 'organisation', 'business', 'account', 'account_name'],
  timezone: ['timezone', 'time_zone', 'tz'],
  tags: ['tags', 'tag', 'labels'],
};

/** A header name as compared: `" Phone Number "` → `phone_number`. */
export function normaliseHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s\-./]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export interface ColumnMap {
  /** Column index of each contact field found (phone is always there). */
  fields: Partial<Record<ContactField, number>> & { phone: number };
  /** Other columns: index → custom field name (unique). */
  custom: Array<{ index: number; key: string }>;
  /** The header's column count; a row with more cells is refused. */
  width: number;
}

/** Maps a header row; undefined when no column is a phone number. */
export function mapColumns(header: readonly string[]): ColumnMap | undefined {
  const names = header.map(normaliseHeader);
  const fields: Partial<Record<ContactField, number>> = {};
  for (const field of Object.keys(ALIASES) as ContactField[]) {
    for (const alias of ALIASES[field]) {
      const index = names.indexOf(alias);
      if (index >= 0 && !Object.values(fields).includes(index)) {
        fields[field] = index;
        break;
      }
    }
  }
  if (fields.phone === undefined) return undefined;
  const used = new Set(Object.values(fields));
  const custom: ColumnMap['custom'] = [];
  const taken = new Set<string>();
  names.forEach((name, index) => {
    if (used.has(index)) return;
    const base = (name || `column_${index + 1}`).slice(0, 64);
    let key = base;
    for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
    taken.add(key);
    custom.push({ index, key });
  });
  return { fields: fields as ColumnMap['fields'], custom, width: header.length };
}

/** The aliases accepted for the phone column, for the error that names none was found. */
export const PHONE_ALIASES = ALIASES.phone;
