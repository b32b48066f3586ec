/**
 * IANA time zone names, checked with the runtime's own database (ICU). A name that differs from
 * ICU's only in case is answered in ICU's spelling (`america/new_york` → `America/New_York`);
 * a valid alias is kept as written, since ICU's canonical name can be the older one
 * (`Europe/Kyiv` resolves to `Europe/Kiev`). Valid names are cached: there are about 600, and
 * building an Intl.DateTimeFormat costs ~20 µs, too much per imported row.
 */
const canonical = new Map<string, string>();

/** The canonical name of `name`, or undefined when it is not an IANA time zone. */
export function canonicalTimezone(name: string): string | undefined {
  const known = canonical.get(name);
  if (known) return known;
  // Offsets like '+05:00' are accepted by Intl but are not IANA names; a contact needs a zone
  // with daylight-saving rules for calling hours.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name) || name.length > 64) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    const answer = resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
    canonical.set(name, answer);
    return answer;
  } catch {
    return undefined;
  }
}
