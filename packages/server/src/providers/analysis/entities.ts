import * as chrono from 'chrono-node';
import { findPhoneNumbersInText } from 'libphonenumber-js';

/**
 * The value finders of the deterministic post-call extractor (sandbox.md): dates and times
 * (chrono-node, relative to the call's time and the callee's time zone), numbers, emails (also
 * as spoken: "jordan at example dot com"), phone numbers (libphonenumber-js) and names as people
 * introduce themselves. Each works on one line of transcript.
 */

export interface FoundDate {
  /** The words that said it ("tomorrow afternoon"). */
  text: string;
  /** ISO 8601 in the reference time zone: `2026-11-24T15:00:00-05:00`, or `2026-11-24` when no time was said. */
  iso: string;
  /** A time of day was said or implied ("afternoon" implies 15:00). */
  hasTime: boolean;
}

/** The zone's offset from UTC at `at`, in minutes (-300 for New York in winter). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** `at` as local ISO 8601 with the given offset. */
function isoWithOffset(at: Date, offsetMinutes: number, withTime: boolean): string {
  const local = new Date(at.getTime() + offsetMinutes * 60_000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  if (!withTime) return date;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const offset = `${sign}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
  return `${date}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:00${offset}`;
}

/** Dates and times in `text`, future-leaning ("Tuesday" is the next one), relative to `reference` in `timeZone`. */
export function findDates(text: string, reference: Date, timeZone: string): FoundDate[] {
  const offset = zoneOffsetMinutes(timeZone, reference);
  return chrono
    .parse(text, { instant: reference, timezone: offset }, { forwardDate: true })
    .filter((r) => !/^(right )?now$/i.test(r.text.trim()))
    .map((r) => {
      const hasTime = r.start.isCertain('hour') || /\b(morning|afternoon|evening|night|noon|midnight)\b/i.test(r.text);
      return { text: r.text, iso: isoWithOffset(r.start.date(), offset, hasTime), hasTime };
    });
}

const EMAIL = /\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b/gi;

/** Emails, written or spoken ("jordan at example dot com"). */
export function findEmails(text: string): string[] {
  const spoken = text.replace(
    /\b([a-z0-9._%+-]+(?: dot [a-z0-9]+)*) at ([a-z0-9-]+(?: dot [a-z0-9-]+)+)\b/gi,
    (_, user: string, domain: string) => `${user.replace(/ dot /gi, '.')}@${domain.replace(/ dot /gi, '.')}`,
  );
  return [...spoken.matchAll(EMAIL)].map((m) => m[0].toLowerCase().replace(/\.$/, ''));
}

/** Phone numbers in E.164 (numbers without a country code are read as `country`'s). */
export function findPhones(text: string, country: 'US' | 'GB' | 'CA' | 'DE' | 'FR' = 'US'): string[] {
  return findPhoneNumbersInText(text, country).map((p) => p.number.number);
}

const WORD_NUMBERS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  hundred: 100,
};

/** Numbers written with digits ("2", "1,500", "3.5") or as one word ("three"). */
export function findNumbers(text: string): number[] {
  const found: number[] = [];
  for (const m of text.matchAll(/\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|\b\d+(?:\.\d+)?\b|\b[a-z]+\b/gi)) {
    const token = m[0].toLowerCase();
    if (/^\d/.test(token)) found.push(Number(token.replace(/,/g, '')));
    else if (token in WORD_NUMBERS) found.push(WORD_NUMBERS[token] as number);
  }
  return found;
}

const NAME = "([A-Z][a-zA-Z'-]+(?: [A-Z][a-zA-Z'-]+)?)";
const NAME_PATTERNS = [
  new RegExp(`\\b[Mm]y name is ${NAME}`),
  new RegExp(`\\b(?:[Tt]his is|[Ii]t's|[Ii]t is) ${NAME}(?: speaking| here)?\\b`),
  new RegExp(`\\b(?:I'm|I am) ${NAME}\\b`),
];
/** Capitalised words that start a sentence after "I'm" without being a name. */
const NOT_NAMES = new Set([
  'Sorry',
  'Not',
  'Busy',
  'Fine',
  'Good',
  'Here',
  'Sure',
  'Afraid',
  'Interested',
  'Okay',
  'OK',
]);

/** Names people give for themselves ("my name is Jordan Lee", "this is Jordan"). */
export function findNames(text: string): string[] {
  const names: string[] = [];
  for (const pattern of NAME_PATTERNS) {
    const m = pattern.exec(text);
    const name = m?.[1]
      ?.split(' ')
      .filter((w) => !NOT_NAMES.has(w))
      .join(' ');
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}
