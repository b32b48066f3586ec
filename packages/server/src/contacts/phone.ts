import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Phone numbers as the API accepts them (api.md conventions): E.164, or national form read with
 * the tenant's `default_region`; stored and answered as E.164. The `max` metadata checks each
 * country's number ranges, not only lengths, so `+1 999 999 9999` is refused here and not by the
 * carrier at dial time; it costs ~10 µs a number, well inside an import's budget.
 */

/** `country` is the number's region, or `ZZ` (CLDR's "unknown region") for one of no country, such as +800. */
export type NormalisedPhone = { ok: true; e164: string; country: string } | { ok: false; reason: string };

/** Longest input considered: E.164 has at most 15 digits; this leaves room for spaces, dashes, `ext.`. */
const MAX_INPUT = 64;

export function normalisePhone(input: string, defaultRegion: string): NormalisedPhone {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'phone number is empty' };
  if (text.length > MAX_INPUT) return { ok: false, reason: `phone number is longer than ${MAX_INPUT} characters` };
  const region = regionOrUndefined(defaultRegion);
  // An international number written with 00 or 011 instead of '+' is read by libphonenumber only
  // when the region's prefix matches; national form without a region cannot be read at all.
  const parsed = parsePhoneNumberFromString(text, region ? { defaultCountry: region } : {});
  if (!parsed) {
    return {
      ok: false,
      reason: region
        ? `'${text}' is not a phone number`
        : `'${text}' is not an E.164 number, and no valid default region is set to read it as national`,
    };
  }
  if (!parsed.isValid()) {
    const where = parsed.country ? ` for ${parsed.country}` : '';
    return { ok: false, reason: `'${text}' is not a valid phone number${where}` };
  }
  return { ok: true, e164: parsed.number, country: parsed.country ?? 'ZZ' };
}

/** The tenant's default region (`settings.default_region`, default US) as libphonenumber wants it. */
export function regionOrUndefined(region: string | undefined): CountryCode | undefined {
  const upper = region?.toUpperCase();
  return upper && isSupportedCountry(upper) ? upper : undefined;
}

/** The default region of a tenant's settings object; `US` when unset (DEFAULT_TENANT_SETTINGS). */
export function tenantRegion(settings: unknown): string {
  const region = (settings as { default_region?: unknown } | null)?.default_region;
  return typeof region === 'string' && region ? region : 'US';
}
