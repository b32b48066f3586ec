/**
 * Calling windows by US state, as data (compliance.md, "State calling windows"). An operator can
 * change this file without touching code: every rule that reads it (`calling-hours`, `frequency`)
 * takes the strictest applicable entry. Times are the callee's local wall-clock time, `HH:MM`,
 * end exclusive. Confidence follows compliance.md: ✅ confirmed in sources, ⚠ sources disagree (we
 * take the stricter), ❓ unconfirmed (we take the stricter reading until confirmed).
 *
 * Every call this platform places is an AI voice, which FCC 24-17 treats as an artificial voice
 * under the TCPA; where a state sets a narrower window for prerecorded or automated calls (IL, NE)
 * that narrower window is the one listed.
 *
 * The window values are compliance.md's. The `source` citations point at where to look; they were
 * compiled from the same public summaries and are to be checked by counsel before relying on them.
 */

/** A local time window, `HH:MM`–`HH:MM` (24 h), start inclusive, end exclusive. */
export interface Window {
  start: string;
  end: string;
}

/** A per-number cap on attempts: at most `max` attempts in any `per_hours` hours. */
export interface FrequencyCap {
  max: number;
  per_hours: number;
}

export interface StateRules {
  /** The window on ordinary days (Monday–Saturday unless `saturday` says otherwise). */
  window?: Window;
  /** Sunday: `closed`, or a window replacing `window`; absent means `window`. */
  sunday?: Window | 'closed';
  /** Saturday: as `sunday`. */
  saturday?: Window | 'closed';
  /** Legal holidays (data/holidays.ts): as `sunday`. */
  holidays?: Window | 'closed';
  frequency?: FrequencyCap;
  /** ✅, ⚠ or ❓, as in compliance.md. */
  confidence: '✅' | '⚠' | '❓';
  /** What the entry rests on, for the operator who updates it. */
  source: string;
}

/** The federal window (47 CFR 64.1200(c)(1), 16 CFR 310.4(c)): 08:00–21:00 local, everywhere. */
export const FEDERAL_WINDOW: Window = { start: '08:00', end: '21:00' };

export const STATE_RULES: Readonly<Record<string, StateRules>> = {
  FL: {
    window: { start: '08:00', end: '20:00' },
    frequency: { max: 3, per_hours: 24 },
    confidence: '✅',
    source: 'Florida Telephone Solicitation Act, Fla. Stat. 501.059(8)',
  },
  OK: {
    window: { start: '08:00', end: '20:00' },
    frequency: { max: 3, per_hours: 24 },
    confidence: '✅',
    source: 'Oklahoma Telephone Solicitation Act, 15 O.S. 775C.4',
  },
  MD: {
    window: { start: '08:00', end: '20:00' },
    frequency: { max: 3, per_hours: 24 },
    confidence: '✅',
    source: 'Maryland Stop the Spam Calls Act, Md. Com. Law 14-4503',
  },
  WA: {
    window: { start: '08:00', end: '20:00' },
    confidence: '✅',
    source: 'RCW 80.36.390 (identify within 30 s; end within 10 s if declined)',
  },
  AL: {
    window: { start: '08:00', end: '20:00' },
    sunday: 'closed',
    holidays: 'closed',
    confidence: '✅',
    source: 'Ala. Code 8-19C-3',
  },
  LA: {
    window: { start: '08:00', end: '20:00' },
    sunday: 'closed',
    holidays: 'closed',
    confidence: '✅',
    source: 'La. R.S. 45:844.14',
  },
  MS: {
    window: { start: '08:00', end: '20:00' },
    sunday: 'closed',
    confidence: '✅',
    source: 'Miss. Code 77-3-725',
  },
  MA: {
    window: { start: '08:00', end: '20:00' },
    confidence: '✅',
    source: '201 CMR 12.02',
  },
  TX: {
    window: { start: '09:00', end: '21:00' },
    // Sources give 12:00–21:00 on Sundays (❓); until confirmed, the narrower Sunday window holds.
    sunday: { start: '12:00', end: '21:00' },
    confidence: '⚠',
    source: 'Tex. Bus. & Com. Code 301.051',
  },
  CT: {
    window: { start: '09:00', end: '20:00' },
    confidence: '⚠',
    source: 'Conn. Gen. Stat. 42-288a',
  },
  KY: {
    window: { start: '10:00', end: '21:00' },
    confidence: '✅',
    source: 'KRS 367.46955',
  },
  MI: { window: { start: '09:00', end: '21:00' }, confidence: '✅', source: 'MCL 445.111b' },
  MN: { window: { start: '09:00', end: '21:00' }, confidence: '✅', source: 'Minn. Stat. 325E.27' },
  NM: { window: { start: '09:00', end: '21:00' }, confidence: '✅', source: 'N.M. Stat. 57-12-22' },
  NV: { window: { start: '09:00', end: '20:00' }, confidence: '✅', source: 'NRS 228.590' },
  IL: {
    // 08:00–21:00 for live calls; prerecorded (and so AI-voice) calls 09:00–21:00 (⚠).
    window: { start: '09:00', end: '21:00' },
    confidence: '⚠',
    source: '815 ILCS 305/30, 815 ILCS 413/15',
  },
  PA: {
    window: { start: '08:00', end: '21:00' },
    holidays: 'closed',
    confidence: '✅',
    source: '73 P.S. 2245.2 (opt-out stated at the start: rules/disclosure.ts)',
  },
  RI: {
    window: { start: '09:00', end: '18:00' },
    // Weekend hours are unconfirmed (❓): treated as closed.
    saturday: 'closed',
    sunday: 'closed',
    confidence: '✅',
    source: 'R.I. Gen. Laws 5-61-3.4',
  },
  ME: {
    frequency: { max: 1, per_hours: 8 },
    confidence: '✅',
    source: 'Me. Rev. Stat. tit. 10, 1499-B (1 automated call per 8 h)',
  },
  NE: {
    // Prerecorded messages on Sundays and holidays only 13:00–21:00.
    sunday: { start: '13:00', end: '21:00' },
    holidays: { start: '13:00', end: '21:00' },
    confidence: '✅',
    source: 'Neb. Rev. Stat. 86-244',
  },
};

/** States whose law requires the opt-out to be stated at the start of every call (PA). */
export const OPT_OUT_AT_START_STATES: ReadonlySet<string> = new Set(['PA']);
