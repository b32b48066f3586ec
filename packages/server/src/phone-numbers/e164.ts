import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * A phone number as the API accepts it (api.md, Conventions): E.164, or national form read with
 * the tenant's `default_region`. The full ("max") metadata, so that a number of a valid length
 * but an unassigned range is refused rather than stored.
 */
export type ParsedNumber = { ok: true; e164: string; country: string } | { ok: false; reason: string };

/** `ZZ` (CLDR's "unknown region") for numbers of no country, such as +800 freephone numbers. */
const NO_COUNTRY = 'ZZ';

export function parseNumber(input: string, defaultRegion: string): ParsedNumber {
  const parsed = parsePhoneNumberFromString(input, defaultRegion as CountryCode);
  if (!parsed?.isValid()) {
    return {
      ok: false,
      reason: `'${input}' is not a valid phone number: send E.164 (+14155550123) or a national number of ${defaultRegion}`,
    };
  }
  return { ok: true, e164: parsed.number, country: parsed.country ?? NO_COUNTRY };
}
