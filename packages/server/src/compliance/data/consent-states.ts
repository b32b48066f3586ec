/**
 * Recording consent by US state, as data (compliance.md, rule `consent-recording`). In these
 * states every party must consent to a recording, so a recorded call must say so first (the
 * recording notice). Where sources disagree (⚠) the state is treated as all-party.
 */

/** All-party consent states, confirmed in sources (✅). */
export const ALL_PARTY_CONSENT_STATES: readonly string[] = [
  'CA',
  'DE',
  'FL',
  'IL',
  'MD',
  'MA',
  'MT',
  'NV',
  'NH',
  'PA',
  'WA',
];

/** States where sources disagree (⚠); treated as all-party, the stricter reading. */
export const DISPUTED_CONSENT_STATES: readonly string[] = ['CT', 'MI', 'OR'];

const ALL_PARTY = new Set([...ALL_PARTY_CONSENT_STATES, ...DISPUTED_CONSENT_STATES]);

/** True when a recording of a call with someone in `state` needs every party's consent. */
export function requiresAllPartyConsent(state: string): boolean {
  return ALL_PARTY.has(state);
}
